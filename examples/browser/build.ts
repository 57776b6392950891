// Builds the demo into examples/browser/dist/: the page and its worker bundled by esbuild (which
// resolves `adahessian-wasm` through package.json "exports" to dist/, as in a user's project; the
// wasm is inlined in the package, so there is nothing to configure), index.html, and the digits
// file the worker fetches (the demo's subset of `mnist()` in Node, see digits-file.ts).
//
//   npm run build:demo        (after npm run build, which makes the package's dist/)
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { demoDigits, encodeDigits } from './digits-file.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
export const DEMO_DIST = join(HERE, 'dist');

export interface DemoBuild {
  outdir: string;
  /** True when some file in src/ is newer than the package's dist/: the page would run old code. */
  staleDist: boolean;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export async function buildDemo(outdir = DEMO_DIST): Promise<DemoBuild> {
  const packageEntry = join(ROOT, 'dist', 'index.js');
  if (!existsSync(packageEntry)) {
    throw new Error(`build:demo: ${packageEntry} is missing; build the package first with npm run build`);
  }
  const staleDist = newestMtime(join(ROOT, 'src')) > statSync(packageEntry).mtimeMs;

  mkdirSync(outdir, { recursive: true });
  await esbuild.build({
    entryPoints: { main: join(HERE, 'main.ts'), worker: join(HERE, 'worker.ts') },
    outdir,
    bundle: true,
    format: 'esm', // the package instantiates its wasm with top-level await; module workers allow it
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'warning',
  });
  copyFileSync(join(HERE, 'index.html'), join(outdir, 'index.html'));

  // The digits, from the package's Node-only datasets entry (never bundled into the page).
  const { mnist } = await import('adahessian-wasm/datasets');
  writeFileSync(join(outdir, 'mnist-digits.bin'), encodeDigits(demoDigits(mnist())));
  return { outdir, staleDist };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { outdir, staleDist } = await buildDemo();
  if (staleDist) console.warn('warning: src/ has changed since the package was built; run npm run build to demo the latest code');
  console.log(`built the demo into ${outdir}`);
}
