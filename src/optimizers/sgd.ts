// Stochastic gradient descent as jax.example_libraries.optimizers.sgd: x = x - stepSize(i) · g.
import { core } from '../wasm/instance.js';
import type { Schedule } from './schedules.js';
import { optimizerTriple, type OptimizerSpec } from './spec.js';
import type { GetParams, Triple } from './triple.js';
import type { FirstOrderInit, FirstOrderUpdate } from './adam.js';

export interface SgdOptions {
  /** Learning rate, or a schedule (i) => rate. Required. */
  stepSize: number | Schedule;
}

export const sgdSpec: OptimizerSpec = {
  name: 'sgd',
  slots: [],
  inputs: ['grads'],
  hyper: {},
  update: (hyper) => ({
    writes: [],
    step: (leaf) => core.sgdStep(leaf.old.x, leaf.inputs[0], leaf.next.x, leaf.size, hyper.stepSize) !== 0,
  }),
};

/** SGD as a triple: `sgd(0.1)`, `sgd(schedule)` (as JAX) or `sgd({ stepSize })`. */
export const sgd: (options: SgdOptions | number | Schedule) => Triple<FirstOrderInit, FirstOrderUpdate, GetParams> =
  optimizerTriple(sgdSpec);
