// Adam as jax.example_libraries.optimizers.adam, per leaf, step i (t = i + 1):
//   m = b1 m + (1 - b1) g ;  v = b2 v + (1 - b2) g²
//   x = x - stepSize(i) · (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) - stepSize(i) · weightDecay · x
// The last term is Flax's decoupled weight decay (default 0, as JAX's adam has none).
import { core } from '../wasm/instance.js';
import type { Tree } from '../tree.js';
import { decayRate, nonNegative } from './options.js';
import type { Schedule } from './schedules.js';
import { optimizerTriple, type OptimizerSpec } from './spec.js';
import type { OptimizerState } from './state.js';
import type { GetParams, Triple } from './triple.js';

export interface AdamOptions {
  /** Learning rate, or a schedule (i) => rate. Default 1e-3. */
  stepSize?: number | Schedule;
  /** Default 0.9. */
  b1?: number;
  /** Default 0.999. */
  b2?: number;
  /** Default 1e-8. */
  eps?: number;
  /** Decoupled weight decay, as Flax's Adam: x -= stepSize · weightDecay · x. Default 0. */
  weightDecay?: number;
}

/** The hyper-parameters Adam shares with AdaHessian: the moments' decays, eps and weight decay. */
export const MOMENT_HYPER: OptimizerSpec['hyper'] = {
  b1: { default: 0.9, check: decayRate, flax: 'beta1' },
  b2: { default: 0.999, check: decayRate, flax: 'beta2' },
  eps: { default: 1e-8, check: nonNegative },
  weightDecay: { default: 0, check: nonNegative },
};

export const adamSpec: OptimizerSpec = {
  name: 'adam',
  flaxName: 'Adam',
  slots: ['m', 'v'], // first and second moments of the gradient
  inputs: ['grads'],
  stepSizeDefault: 1e-3,
  hyper: MOMENT_HYPER,
  update: (hyper, i) => ({
    writes: ['m', 'v'],
    step: (leaf) =>
      core.adamStep(
        leaf.old.x, leaf.old.slots.m, leaf.old.slots.v, leaf.inputs[0],
        leaf.next.x, leaf.next.slots.m, leaf.next.slots.v, leaf.size,
        i + 1, hyper.stepSize, hyper.b1, hyper.b2, hyper.eps, hyper.weightDecay,
      ) !== 0,
  }),
};

export type FirstOrderInit = (params: Tree) => OptimizerState;
export type FirstOrderUpdate = (i: number, grads: Tree, state: OptimizerState) => OptimizerState;

/** Adam as a triple `[init, update, getParams]`; `options` may also be just the step size. */
export const adam: (options?: AdamOptions | number | Schedule) => Triple<FirstOrderInit, FirstOrderUpdate, GetParams> =
  optimizerTriple(adamSpec);
