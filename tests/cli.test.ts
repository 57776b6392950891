// The CLI end to end, as a user runs it (node + tsx on src/cli/main.ts, so no stale build):
// train → run file + SVG; verify reproduces the hash; a run resumed from a mid-run checkpoint ends
// with the same hash as the uninterrupted run; bad command lines exit 2 with the usage.
// Small configs (a 32-unit hidden layer, the first 600 training digits) keep it fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { runCli } from '../src/cli/cli.js';
import { decodeCheckpoint } from '../src/cli/checkpoint.js';
import { runFileText } from '../src/cli/record.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'adahessian-cli-'));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SMALL = ['--hidden', '32', '--epochs', '2', '--limit', '600', '--batch-size', '128'];
const hashIn = (stdout: string, label: RegExp) => stdout.match(new RegExp(label.source + ' ([0-9a-f]{64})'))?.[1];

// 600 examples in batches of 128: 5 batches per epoch, 10 steps; checkpoints after steps 3, 6, 9.
// AdaHessian with two probes and a Hessian every other step exercises every piece of saved state.
const adahessianFlags = ['--optimizer', 'adahessian', '--samples', '2', '--hessian-every', '2', '--seed', '3', ...SMALL];
const full = join(dir, 'full.json');
let fullRun: { code: number | null; stdout: string; stderr: string };

test('train writes a run file with its config, per-epoch metrics and params hash, and an SVG', () => {
  fullRun = cli('train', ...adahessianFlags, '--out', full, '--checkpoint-every', '3');
  assert.equal(fullRun.code, 0, fullRun.stderr);
  const record = JSON.parse(readFileSync(full, 'utf8'));
  assert.deepEqual(record.config, {
    optimizer: 'adahessian', model: 'mlp', epochs: 2, batchSize: 128, hidden: [32], lr: 0.15, eps: 1e-4,
    spatialAverage: 'inputs', samples: 2, hessianEvery: 2, seed: 3, data: 'mnist', limit: 600,
  });
  assert.equal(record.steps, 10);
  assert.equal(record.batchLosses.length, 10);
  assert.deepEqual(record.epochs.map((e: any) => [e.epoch, e.steps]), [[1, 5], [2, 5]]);
  assert.equal(record.parameterCount, 784 * 32 + 32 + 32 * 10 + 10);
  assert.equal(hashIn(fullRun.stdout, /params sha256/), record.paramsSha256);
  for (const step of [3, 6, 9]) assert.ok(existsSync(join(dir, `full.step${step}.ckpt`)), `checkpoint after step ${step}`);
  assert.ok(!existsSync(join(dir, 'full.step10.ckpt')), 'no checkpoint of the finished run');
  const svg = readFileSync(join(dir, 'full.svg'), 'utf8');
  assert.match(svg, /^<\?xml[^>]*>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>\n$/);
  // not a TTY: one plain line per epoch on stderr, no bar
  assert.equal(fullRun.stderr.match(/epoch \d\/2 in/g)?.length, 2, fullRun.stderr);
});

test('a run resumed from a mid-epoch or a later checkpoint ends with the uninterrupted run\'s hash', () => {
  const want = JSON.parse(readFileSync(full, 'utf8')).paramsSha256;
  for (const step of [3, 6]) {
    const out = join(dir, `resumed${step}.json`);
    const r = cli('train', '--resume', join(dir, `full.step${step}.ckpt`), '--out', out);
    assert.equal(r.code, 0, r.stderr);
    const record = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(record.paramsSha256, want, `resumed from step ${step}`);
    // the whole history is carried over: every batch loss equals the uninterrupted run's
    assert.deepEqual(record.batchLosses, JSON.parse(readFileSync(full, 'utf8')).batchLosses);
  }
});

test('verify repeats the recorded config: exit 0 on the same hash, 1 when it differs', () => {
  const ok = cli('verify', full);
  assert.equal(ok.code, 0, ok.stderr);
  const recorded = hashIn(ok.stdout, /recorded sha256/);
  assert.equal(recorded, JSON.parse(readFileSync(full, 'utf8')).paramsSha256);
  assert.equal(hashIn(ok.stdout, /rerun {4}sha256/), recorded);

  // a consistent run file (re-sealed) whose config does not give the recorded parameters
  const record = JSON.parse(readFileSync(full, 'utf8'));
  const tampered = join(dir, 'tampered.json');
  writeFileSync(tampered, runFileText({ ...record, config: { ...record.config, lr: 0.1 } }));
  const bad = cli('verify', tampered);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /MISMATCH/);
  assert.notEqual(hashIn(bad.stdout, /rerun {4}sha256/), recorded);
});

test('a run file changed by hand (not re-sealed) is refused before anything runs', async () => {
  const text = readFileSync(full, 'utf8');
  assert.match(text, /\n "crc32": "[0-9a-f]{8}"\n\}\n$/);
  const changed = join(dir, 'changed.json');
  writeFileSync(changed, text.replace('"lr": 0.15', '"lr": 0.25'));
  const r = await cliInProcess('verify', changed);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /changed\.json: the run file was changed or damaged/);
  assert.doesNotMatch(r.stdout, /rerun/);
});

test('adam and sgd train; the same flags give the same hash, another seed another one', () => {
  const a = cli('train', '--optimizer', 'sgd', '--lr', '0.05', ...SMALL, '--out', join(dir, 'sgd.json'));
  assert.equal(a.code, 0, a.stderr);
  const b = cli('train', '--optimizer', 'adam', ...SMALL, '--out', join(dir, 'adam.json'));
  const c = cli('train', '--optimizer', 'adam', ...SMALL, '--seed', '1', '--out', join(dir, 'adam1.json'));
  assert.equal(b.code, 0, b.stderr);
  const hash = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')).paramsSha256;
  assert.notEqual(hash('adam.json'), hash('adam1.json'));
  assert.equal(cli('verify', join(dir, 'adam.json')).code, 0);
  assert.equal(JSON.parse(readFileSync(join(dir, 'sgd.json'), 'utf8')).config.lr, 0.05);
});

test('--model cnn trains the CNN with AdaHessian (conv averaging) on Fashion-MNIST: run file, SVG, and verify reproduces its hash', () => {
  const out = join(dir, 'cnn.json');
  const r = cli('train', '--model', 'cnn', '--optimizer', 'adahessian', '--data', 'idx:/usr/share/datasets/fashion-mnist', '--epochs', '1', '--limit', '256', '--seed', '4', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  const record = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual([record.config.model, record.config.spatialAverage, record.config.data], ['cnn', 'conv', 'idx:/usr/share/datasets/fashion-mnist']);
  assert.ok(!('hidden' in record.config), 'hidden does not apply to the CNN');
  // Conv 3×3×1×32 + b, Conv 3×3×32×64 + b, Dense 1600×10 + b
  assert.equal(record.parameterCount, 9 * 32 + 32 + 9 * 32 * 64 + 64 + 1600 * 10 + 10);
  assert.equal(record.steps, 2);
  assert.equal(hashIn(r.stdout, /params sha256/), record.paramsSha256);
  assert.ok(existsSync(join(dir, 'cnn.svg')));
  const again = cli('verify', out);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(hashIn(again.stdout, /rerun {4}sha256/), record.paramsSha256);
});

test('--data idx:<dir> trains on IDX files (Debian\'s Fashion-MNIST)', async () => {
  const out = join(dir, 'fashion.json');
  const r = cli('train', '--data', 'idx:/usr/share/datasets/fashion-mnist', '--hidden', '8', '--epochs', '1', '--limit', '256', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  const record = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(record.config.data, 'idx:/usr/share/datasets/fashion-mnist');
  assert.equal(record.steps, 2);
  const missing = await cliInProcess('train', '--data', `idx:${join(dir, 'nowhere')}`, '--hidden', '8', '--epochs', '1');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nowhere/);
});

test('compare trains Adam then AdaHessian with the same settings: two run files, one SVG, one table', async () => {
  const r = await cliInProcess('compare', '--hidden', '8', '--epochs', '1', '--limit', '256', '--seed', '2', '--out-dir', dir, '--name', 'tiny');
  assert.equal(r.code, 0, r.stderr);
  const adamRun = JSON.parse(readFileSync(join(dir, 'tiny-adam.json'), 'utf8'));
  const ahRun = JSON.parse(readFileSync(join(dir, 'tiny-adahessian.json'), 'utf8'));
  assert.deepEqual([adamRun.config.optimizer, adamRun.config.lr, adamRun.config.seed], ['adam', 1e-3, 2]);
  assert.deepEqual([ahRun.config.lr, ahRun.config.eps, ahRun.config.spatialAverage, ahRun.config.hidden], [0.15, 1e-4, 'inputs', [8]]);
  assert.ok(existsSync(join(dir, 'tiny.svg')));
  assert.match(r.stdout, /^tiny-adam\s+\d+\.\d\d %/m);
  assert.match(r.stdout, /^tiny-adahessian\s+\d+\.\d\d %/m);
});

/** runCli in this process, with its stdout and stderr captured. */
async function cliInProcess(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const err = new Writable({ write(chunk, _enc, done) { stderr += chunk; done(); } });
  const code = await runCli(args, { out: (t) => (stdout += t), err });
  return { code, stdout, stderr };
}

test('bad command lines exit 2 with a message and the usage on stderr', async () => {
  // as a process: the exit code reaches the shell
  for (const args of [[], ['train', '--bogus']]) {
    const r = cli(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code} ${r.stderr}`);
    assert.match(r.stderr, /Usage: adahessian-wasm <command>/);
  }
  const cases: [string[], RegExp][] = [
    [[], /expected a command/],
    [['fly'], /unknown command 'fly'/],
    [['train', '--bogus'], /Unknown option '--bogus'/],
    [['train', '--epochs', 'two'], /--epochs must be an integer ≥ 1, got 'two'/],
    [['train', '--epochs', '0'], /--epochs must be an integer ≥ 1, got '0'/],
    [['train', '--hidden', '32,x'], /--hidden must be an integer ≥ 1, got 'x'/],
    [['train', '--optimizer', 'lbfgs'], /--optimizer must be one of adam, adahessian, sgd/],
    [['train', '--optimizer', 'sgd', '--eps', '1e-3'], /--eps does not apply to --optimizer sgd/],
    [['train', '--spatial-average', 'inputs'], /--spatial-average does not apply to --optimizer adam/],
    [['train', '--optimizer', 'adahessian', '--spatial-average', 'rows'], /--spatial-average must be one of last, conv, none, inputs/],
    [['train', '--optimizer', 'adahessian', '--samples', '1.5'], /--samples must be an integer ≥ 1/],
    [['train', '--model', 'rnn'], /--model must be one of mlp, cnn, got 'rnn'/],
    [['train', '--model', 'cnn', '--hidden', '8'], /--hidden does not apply to --model cnn/],
    [['train', '--data', 'mnist.zip'], /--data must be 'mnist' or 'idx:<dir>'/],
    [['train', '--lr=-1'], /--lr must be a finite number ≥ 0, got '-1'/],
    // a negative number after a flag is its value (parseArgs alone would call it ambiguous)
    [['train', '--lr', '-0.1'], /--lr must be a finite number ≥ 0, got '-0.1'/],
    [['train', '--seed', '-1'], /--seed must be an integer ≥ 0, got '-1'/],
    [['train', '--eps', '-.5'], /--eps must be a finite number ≥ 0, got '-.5'/],
    [['train', '--lr', 'fast'], /--lr must be a finite number ≥ 0, got 'fast'/],
    [['train', '--checkpoint-every', '0'], /--checkpoint-every must be an integer ≥ 1/],
    [['train', 'extra'], /unexpected argument 'extra'/i],
    [['train', '--resume', join(dir, 'full.step3.ckpt'), '--lr', '0.1'], /drop --lr/],
    [['verify'], /expected the run file/],
    [['verify', 'a.json', 'b.json'], /unexpected argument 'b.json'/i],
    [['compare', '--optimizer', 'adam'], /Unknown option '--optimizer'/],
    [['compare', '--name', '../x'], /--name must be letters/],
  ];
  for (const [args, message] of cases) {
    const r = await cliInProcess(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code} ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.match(r.stderr, /Usage: adahessian-wasm <command>/, args.join(' '));
    assert.equal(r.stdout, '', args.join(' '));
  }
  const help = await cliInProcess('train', '--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--hessian-every <k>/);
});

test('unreadable inputs are errors (exit 1) that name the file', async () => {
  const notRun = join(dir, 'not-a-run.json');
  writeFileSync(notRun, '{"hello": 1}');
  const r = await cliInProcess('verify', notRun);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /not-a-run\.json: not a run file/);
  const notCheckpoint = join(dir, 'bad.ckpt');
  writeFileSync(notCheckpoint, 'AHWCKPT\nxx');
  const c = await cliInProcess('train', '--resume', notCheckpoint);
  assert.equal(c.code, 1);
  assert.match(c.stderr, /bad\.ckpt: not a checkpoint/);
  for (const args of [['train', '--resume', join(dir, 'missing.ckpt')], ['verify', join(dir, 'missing.json')]]) {
    const m = await cliInProcess(...args);
    assert.equal(m.code, 1, args.join(' '));
    assert.match(m.stderr, new RegExp(`(--resume|verify): ${join(dir, 'missing')}\\.(ckpt|json) does not exist`), args.join(' '));
  }
});

test('--limit above the number of training examples is an error naming both', async () => {
  const r = await cliInProcess('train', '--hidden', '8', '--epochs', '1', '--limit', '60001', '--out', join(dir, 'too-many.json'));
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /limit 60001 is more than the 60000 training examples/);
  assert.ok(!existsSync(join(dir, 'too-many.json')), 'no run file');
});

// --- files are never left half-written, and runs never mix up data or run files -------------------

test('a failed write (file size limit) keeps the previous run file whole and leaves no temporary file', async () => {
  const out = join(dir, 'limited.json');
  const previous = readFileSync(full);
  writeFileSync(out, previous);
  const command = [process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'train', '--optimizer', 'sgd', ...SMALL, '--epochs', '1', '--out', out];
  const r = spawnSync('bash', ['-c', 'ulimit -f 1 && exec "$@"', 'bash', ...command], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /cannot write .*limited\.json: .*EFBIG/);
  assert.deepEqual(readFileSync(out), previous, 'the previous run file is untouched');
  assert.ok(!existsSync(`${out}.partial`), 'no temporary file is left');
});

test('--out and --out-dir are checked before training', async () => {
  const started = Date.now();
  const underFile = await cliInProcess('train', ...SMALL, '--out', join(full, 'x.json'));
  assert.equal(underFile.code, 2, underFile.stderr);
  assert.match(underFile.stderr, /--out .*full\.json\/x\.json: .*full\.json is not a directory/);
  assert.doesNotMatch(underFile.stderr, /epoch \d/, 'nothing was trained');
  const isDir = await cliInProcess('train', ...SMALL, '--out', dir);
  assert.equal(isDir.code, 2);
  assert.match(isDir.stderr, /is a directory, expected a file name/);
  const dirIsFile = await cliInProcess('compare', '--hidden', '8', '--epochs', '1', '--out-dir', full);
  assert.equal(dirIsFile.code, 2);
  assert.match(dirIsFile.stderr, /--out-dir .*full\.json: is a file, expected a directory/);
  assert.ok(Date.now() - started < 5000, 'refused at once');
});

test('--resume without --out continues the checkpoint\'s own run file, never runs/<optimizer>.json', async () => {
  const defaultFile = join(ROOT, 'runs', 'adahessian.json');
  const before = existsSync(defaultFile) ? readFileSync(defaultFile) : null;
  const want = JSON.parse(readFileSync(full, 'utf8')).paramsSha256;
  const r = cli('train', '--resume', join(dir, 'full.step6.ckpt'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`wrote ${join(dir, 'full.json').replace(/[.\\/]/g, '\\$&')}`));
  assert.equal(JSON.parse(readFileSync(full, 'utf8')).paramsSha256, want);
  assert.deepEqual(existsSync(defaultFile) ? readFileSync(defaultFile) : null, before, 'runs/adahessian.json untouched');
  const odd = join(dir, 'odd.ckpt');
  writeFileSync(odd, readFileSync(join(dir, 'full.step6.ckpt')));
  const refused = await cliInProcess('train', '--resume', odd);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--resume .*odd\.ckpt: give --out/);
});

test('verify refuses a run file whose data fingerprint differs, before training', async () => {
  const record = JSON.parse(readFileSync(full, 'utf8'));
  assert.match(record.dataSha256, /^[0-9a-f]{64}$/);
  const other = join(dir, 'other-data.json');
  writeFileSync(other, runFileText({ ...record, dataSha256: '0'.repeat(64) }));
  const r = await cliInProcess('verify', other);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /MISMATCH: .*other-data\.json was trained on data with SHA-256 0{64}, but mnist now has [0-9a-f]{64}/);
  assert.doesNotMatch(r.stdout, /rerun/);
});

test('empty IDX training or test sets are clear errors before training', async () => {
  const idx = (dims: number[]) => {
    const b = Buffer.alloc(4 + 4 * dims.length + dims.reduce((a, d) => a * d, 1));
    b.writeUInt32BE((0x08 << 8) | dims.length, 0);
    dims.forEach((d, k) => b.writeUInt32BE(d, 4 + 4 * k));
    return b;
  };
  for (const [emptySplit, message] of [['train', /the training set is empty/], ['t10k', /the test set is empty/]] as const) {
    const data = join(dir, `empty-${emptySplit}`);
    mkdirSync(data, { recursive: true });
    for (const split of ['train', 't10k']) {
      const n = split === emptySplit ? 0 : 3;
      writeFileSync(join(data, `${split}-images-idx3-ubyte`), idx([n, 28, 28]));
      writeFileSync(join(data, `${split}-labels-idx1-ubyte`), idx([n]));
    }
    const r = await cliInProcess('train', '--data', `idx:${data}`, '--hidden', '8', '--epochs', '1', '--out', join(dir, 'empty.json'));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /NaN|reading/);
  }
});

test('Ctrl-C stops a run at a step boundary: exit 130, where it stopped, whole checkpoints, no temporary files', async () => {
  const runDir = mkdtempSync(join(tmpdir(), 'adahessian-sigint-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'train', '--hidden', '32', '--epochs', '200', '--limit', '600',
    '--batch-size', '128', '--checkpoint-every', '1', '--out', join(runDir, 'long.json')], { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  await new Promise<void>((started) => {
    void exited.then(() => started()); // a run that fails early fails the assertions below, not by hanging
    child.stdout.on('data', (d) => {
      stdout += d;
      if ((stdout.match(/^checkpoint /gm) ?? []).length >= 3) started();
    });
  });
  child.kill('SIGINT');
  const code = await exited;
  assert.equal(code, 130, stderr);
  assert.match(stderr, /adahessian-wasm: interrupted after step \d+ of 1000 of long; the last checkpoint is .*long\.step\d+\.ckpt/);
  const files = readdirSync(runDir);
  assert.deepEqual(files.filter((f) => f.endsWith('.partial')), [], 'no temporary file is left');
  assert.ok(!files.includes('long.json'), 'no run file for an unfinished run');
  for (const f of files.filter((name) => name.endsWith('.ckpt'))) decodeCheckpoint(new Uint8Array(readFileSync(join(runDir, f))), f);
  rmSync(runDir, { recursive: true });
});

test('a checkpoint resumed on changed data (same size) is refused, naming the file and both fingerprints', async () => {
  const data = join(dir, 'idx-data');
  mkdirSync(data, { recursive: true });
  const idx = (dims: number[], fill: (k: number) => number) => {
    const size = dims.reduce((a, b) => a * b, 1);
    const b = Buffer.alloc(4 + 4 * dims.length + size);
    b.writeUInt32BE((0x08 << 8) | dims.length, 0);
    dims.forEach((d, k) => b.writeUInt32BE(d, 4 + 4 * k));
    for (let k = 0; k < size; k++) b[4 + 4 * dims.length + k] = fill(k);
    return b;
  };
  const images = (n: number, seed: number) => idx([n, 28, 28], (k) => (k * seed + (k >> 7)) % 256);
  writeFileSync(join(data, 'train-images-idx3-ubyte'), images(64, 31));
  writeFileSync(join(data, 'train-labels-idx1-ubyte'), idx([64], (k) => k % 10));
  writeFileSync(join(data, 't10k-images-idx3-ubyte'), images(16, 17));
  writeFileSync(join(data, 't10k-labels-idx1-ubyte'), idx([16], (k) => (k * 3) % 10));
  const out = join(dir, 'idxrun.json');
  const r = await cliInProcess('train', '--data', `idx:${data}`, '--hidden', '8', '--epochs', '2', '--batch-size', '32', '--checkpoint-every', '1', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  const changed = images(64, 31);
  changed[16 + 1000] ^= 0xff; // one pixel of the training set
  writeFileSync(join(data, 'train-images-idx3-ubyte'), changed);
  const resumed = await cliInProcess('train', '--resume', join(dir, 'idxrun.step2.ckpt'));
  assert.equal(resumed.code, 1, resumed.stderr);
  assert.match(resumed.stderr, /idxrun\.step2\.ckpt: cannot resume: the checkpoint was trained on data with SHA-256 [0-9a-f]{64}, but idx:.* has [0-9a-f]{64}/);
  assert.doesNotMatch(resumed.stderr, /epoch \d/, 'nothing was trained');
});
