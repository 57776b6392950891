// The digits the page trains on, as one binary file the build writes (dist/mnist-digits.bin) and
// the worker fetches from the same server: the first 8,000 training and 2,000 test digits of the
// real MNIST, exactly the float32 rows `mnist()` gives in Node (adahessian-wasm/datasets), so the
// browser trains on the same bits. A subset keeps the page quick to load and to train (about 15 s
// for both optimizers); `train --limit 8000` in Node trains on the same digits. Nothing comes from
// the internet.
//
// MNIST's pixels are bytes / 255, at most 256 distinct values, so each pixel is stored as a
// one-byte index into a table of those values (as float32): 7.9 MB instead of 31 MB of floats.
//
// Layout (all little-endian):
//   8 bytes   "AHWDIGIT"
//   u32 ×5    version (1), train count, test count, pixels per image, classes
//   f32 ×256  the value table (unused entries 0)
//   u8        train pixels as table indices [train, pixels], then train labels [train],
//             then test pixels [test, pixels], then test labels [test]
import { np, Tensor } from 'adahessian-wasm';

const MAGIC = 'AHWDIGIT';
const VERSION = 1;
const TABLE_SIZE = 256;
const HEADER_BYTES = MAGIC.length + 5 * 4;
const TABLE_BYTES = TABLE_SIZE * 4;

/** Images `[n, pixels]` and one-hot labels `[n, classes]`, as the package's `Dataset`. */
export interface Digits {
  trainImages: Tensor;
  trainLabels: Tensor;
  testImages: Tensor;
  testLabels: Tensor;
}

/** How many digits of each split of the real MNIST the demo takes (the first ones). */
export const DEMO_TRAIN_DIGITS = 8_000;
export const DEMO_TEST_DIGITS = 2_000;

/** The first `rows` rows of a `[n, width]` tensor. */
function firstRows(t: Tensor, rows: number): Tensor {
  return np.take(t, Array.from({ length: rows }, (_, r) => r), 0);
}

/** The demo's subset of `data`: its first DEMO_TRAIN_DIGITS training and DEMO_TEST_DIGITS test digits. */
export function demoDigits(data: Digits): Digits {
  return {
    trainImages: firstRows(data.trainImages, DEMO_TRAIN_DIGITS),
    trainLabels: firstRows(data.trainLabels, DEMO_TRAIN_DIGITS),
    testImages: firstRows(data.testImages, DEMO_TEST_DIGITS),
    testLabels: firstRows(data.testLabels, DEMO_TEST_DIGITS),
  };
}

/** The class of each one-hot row of `labels` `[n, classes]`. */
function classesOf(labels: Tensor, what: string): Uint8Array {
  const [n, classes] = labels.shape;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const row = labels.data.subarray(i * classes, (i + 1) * classes);
    const hot = row.indexOf(1);
    if (hot < 0 || row.some((v, c) => v !== (c === hot ? 1 : 0))) throw new RangeError(`${what}: row ${i} is not one-hot`);
    out[i] = hot;
  }
  return out;
}

export function encodeDigits(digits: Digits): Uint8Array {
  const { trainImages, trainLabels, testImages, testLabels } = digits;
  const pixels = trainImages.shape[1];
  const classes = trainLabels.shape[1];
  if (testImages.shape[1] !== pixels || testLabels.shape[1] !== classes) {
    throw new RangeError('encodeDigits: train and test sets differ in image size or classes');
  }
  const distinct = new Set<number>();
  for (const images of [trainImages, testImages]) for (const v of images.data) distinct.add(v);
  const values = [...distinct].sort((a, b) => a - b);
  if (values.length > TABLE_SIZE) {
    throw new RangeError(`encodeDigits: the images use ${values.length} distinct values, this format holds ${TABLE_SIZE}`);
  }
  const indexOf = new Map(values.map((v, i) => [v, i]));
  const train = trainImages.shape[0];
  const test = testImages.shape[0];
  const bytes = new Uint8Array(HEADER_BYTES + TABLE_BYTES + (train + test) * (pixels + 1));
  const view = new DataView(bytes.buffer);
  for (let c = 0; c < MAGIC.length; c++) bytes[c] = MAGIC.charCodeAt(c);
  [VERSION, train, test, pixels, classes].forEach((v, k) => view.setUint32(MAGIC.length + 4 * k, v, true));
  values.forEach((v, i) => view.setFloat32(HEADER_BYTES + 4 * i, v, true));
  let offset = HEADER_BYTES + TABLE_BYTES;
  for (const [images, labels, what] of [
    [trainImages, trainLabels, 'trainLabels'],
    [testImages, testLabels, 'testLabels'],
  ] as const) {
    for (const v of images.data) bytes[offset++] = indexOf.get(v)!;
    bytes.set(classesOf(labels, what), offset);
    offset += labels.shape[0];
  }
  return bytes;
}

/** Reads a file encodeDigits wrote; throws an Error naming `name` and what is wrong. */
export function decodeDigits(bytes: Uint8Array, name = 'digits file'): Digits {
  const bad = (why: string): never => {
    throw new Error(`${name}: not a digits file of the adahessian-wasm demo (${why}); rebuild it with npm run build:demo`);
  };
  if (bytes.length < HEADER_BYTES + TABLE_BYTES) bad(`only ${bytes.length} bytes`);
  for (let c = 0; c < MAGIC.length; c++) if (bytes[c] !== MAGIC.charCodeAt(c)) bad('wrong magic bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [version, train, test, pixels, classes] = [0, 1, 2, 3, 4].map((k) => view.getUint32(MAGIC.length + 4 * k, true));
  if (version !== VERSION) bad(`version ${version}, this page reads ${VERSION}`);
  const expected = HEADER_BYTES + TABLE_BYTES + (train + test) * (pixels + 1);
  if (bytes.length !== expected) bad(`${bytes.length} bytes, its header promises ${expected}`);
  const table = Float32Array.from({ length: TABLE_SIZE }, (_, i) => view.getFloat32(HEADER_BYTES + 4 * i, true));

  let offset = HEADER_BYTES + TABLE_BYTES;
  const split = (count: number): [Tensor, Tensor] => {
    const images = new Float32Array(count * pixels);
    for (let i = 0; i < images.length; i++) images[i] = table[bytes[offset + i]];
    offset += images.length;
    const labels = new Float32Array(count * classes);
    for (let i = 0; i < count; i++) {
      const label = bytes[offset + i];
      if (label >= classes) bad(`label ${label} at index ${i}, expected 0..${classes - 1}`);
      labels[i * classes + label] = 1;
    }
    offset += count;
    return [new Tensor(images, [count, pixels]), new Tensor(labels, [count, classes])];
  };
  const [trainImages, trainLabels] = split(train);
  const [testImages, testLabels] = split(test);
  return { trainImages, trainLabels, testImages, testLabels };
}
