// adahessian-wasm/datasets: the embedded MNIST subset (checked against the `mnist` package's own
// API and labels) and loadIdx on Debian's real Fashion-MNIST files (checked against direct byte
// reads and the dataset's published facts), including corrupted copies.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { mnist, loadIdx, parseIdx } from '../src/datasets/index.js';
import * as random from '../src/random.js';
import type { Tensor } from '../src/tensor.js';

function rowHash(t: Tensor, r: number): string {
  const width = t.shape[1];
  const row = t.data.subarray(r * width, (r + 1) * width);
  return createHash('sha256').update(new Uint8Array(row.buffer, row.byteOffset, row.byteLength)).digest('hex');
}

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

/** The package's own view: every image via its API, labelled by its own `set()` outputs. */
function packageImages(): { hashes: string[]; labels: number[] } {
  const pkg = createRequire(import.meta.url)('mnist');
  const hashes: string[] = [];
  const labels: number[] = [];
  for (let d = 0; d < 10; d++) {
    for (const sample of pkg[d].set(0, pkg[d].length - 1)) {
      const image = Float32Array.from(sample.input as number[]);
      hashes.push(createHash('sha256').update(new Uint8Array(image.buffer)).digest('hex'));
      labels.push(pkg.toNumber(sample.output));
    }
  }
  return { hashes, labels };
}

test('mnist(): shapes, float32 values in [0, 1], one-hot labels', () => {
  const { trainImages, trainLabels, testImages, testLabels } = mnist();
  assert.deepEqual(trainImages.shape, [8000, 784]);
  assert.deepEqual(trainLabels.shape, [8000, 10]);
  assert.deepEqual(testImages.shape, [2000, 784]);
  assert.deepEqual(testLabels.shape, [2000, 10]);
  for (const t of [trainImages, trainLabels, testImages, testLabels]) assert.ok(t.data instanceof Float32Array);
  // The package's pixels are already in [0, 1] (not 0..255), and they use the whole range.
  assert.deepEqual(range01(trainImages), [0, 1]);
  assert.deepEqual(range01(testImages), [0, 1]);
  assertOneHot(trainLabels, 'trainLabels');
  assertOneHot(testLabels, 'testLabels');
});

test('mnist(): train and test are disjoint, cover all 10,000 package images, with the package\'s labels', () => {
  const pkg = packageImages();
  assert.equal(pkg.hashes.length, 10000);
  const labelOf = new Map(pkg.hashes.map((h, i) => [h, pkg.labels[i]]));
  assert.equal(labelOf.size, 10000, 'the package images are distinct, so hashes identify them');

  const { trainImages, trainLabels, testImages, testLabels } = mnist();
  const seen = new Set<string>();
  for (const [images, labels, what] of [[trainImages, trainLabels, 'train'], [testImages, testLabels, 'test']] as const) {
    for (let r = 0; r < images.shape[0]; r++) {
      const h = rowHash(images, r);
      assert.ok(labelOf.has(h), `${what} row ${r} is not an image of the package`);
      assert.ok(!seen.has(h), `${what} row ${r} appears twice (or in both splits)`);
      seen.add(h);
      assert.equal(argmaxRow(labels, r), labelOf.get(h), `${what} row ${r}: label differs from the package's`);
    }
  }
  assert.equal(seen.size, 10000);
});

test('mnist(): the split is random.permutation(random.key(0), 10000) over the package order', () => {
  const pkg = packageImages(); // package order: all 0s, then all 1s, ...
  const perm = random.permutation(random.key(0), 10000);
  const { trainImages, testImages } = mnist();
  for (let r = 0; r < 8000; r++) assert.equal(rowHash(trainImages, r), pkg.hashes[perm[r]], `train row ${r}`);
  for (let r = 0; r < 2000; r++) assert.equal(rowHash(testImages, r), pkg.hashes[perm[8000 + r]], `test row ${r}`);
});

test('mnist(): labels fit the images (ink per class; a nearest-centroid classifier beats 70%)', () => {
  const { trainImages, trainLabels, testImages, testLabels } = mnist();
  // A known fact of MNIST, independent of the package's code: 1s carry the least ink, 0s the most.
  const ink = new Array<number>(10).fill(0);
  const perClass = new Array<number>(10).fill(0);
  for (let r = 0; r < 8000; r++) {
    const c = argmaxRow(trainLabels, r);
    perClass[c]++;
    for (let p = 0; p < 784; p++) ink[c] += trainImages.data[r * 784 + p];
  }
  const meanInk = ink.map((v, c) => v / perClass[c]);
  assert.equal(meanInk.indexOf(Math.min(...meanInk)), 1, `mean ink per class ${meanInk}`);
  assert.equal(meanInk.indexOf(Math.max(...meanInk)), 0, `mean ink per class ${meanInk}`);

  // If images and labels were misaligned (e.g. permuted differently), class means learnt on train
  // would predict test at chance level (10%). Nearest centroid gets about 80% on MNIST.
  const centroids = Array.from({ length: 10 }, () => new Float64Array(784));
  const counts = new Array<number>(10).fill(0);
  for (let r = 0; r < 8000; r++) {
    const c = argmaxRow(trainLabels, r);
    counts[c]++;
    for (let p = 0; p < 784; p++) centroids[c][p] += trainImages.data[r * 784 + p];
  }
  centroids.forEach((m, c) => m.forEach((v, p) => (m[p] = v / counts[c])));
  let correct = 0;
  for (let r = 0; r < 2000; r++) {
    let best = -1;
    let bestDistance = Infinity;
    for (let c = 0; c < 10; c++) {
      let d = 0;
      for (let p = 0; p < 784; p++) d += (testImages.data[r * 784 + p] - centroids[c][p]) ** 2;
      if (d < bestDistance) [best, bestDistance] = [c, d];
    }
    if (best === argmaxRow(testLabels, r)) correct++;
  }
  assert.ok(correct / 2000 > 0.7, `nearest-centroid accuracy ${correct / 2000}`);
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
