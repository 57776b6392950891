// dispose(tree): frees at once the wasm memory that the transforms' result tensors and optimizer
// states in a tree hold, as TF.js's tf.dispose. Optional: unreachable ones are freed anyway, but
// only between tasks, so a synchronous training loop stays within its fixed footprint (and on the
// fast path where nothing is copied) only when it disposes what it is done with.
import { flatten, type Tree } from './tree.js';
import { ResidentTensor } from './wasm/resident-tensor.js';
import { OptimizerState } from './optimizers/state.js';

/**
 * Disposes every transform result (gradients, Hessian estimates, H·v) and optimizer state among
 * the leaves of `tree`: their `data` (or any use of the state) throws afterwards. Other leaves are
 * left alone: a plain Tensor holds nothing but its JS array. Safe to call twice.
 */
export function dispose(tree: Tree): void {
  for (const leaf of flatten(tree)[0]) {
    if (leaf instanceof ResidentTensor || leaf instanceof OptimizerState) leaf.dispose();
  }
}
