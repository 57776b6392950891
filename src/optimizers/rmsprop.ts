// RMSprop as jax.example_libraries.optimizers.rmsprop (optax's scale_by_rms then the step size):
//   v = gamma · v + (1 - gamma) · g² ;  x = x - stepSize(i) · g / sqrt(v + eps)
// eps inside the square root, as JAX and optax; PyTorch's RMSprop and flax.optim's add it outside.
// The Flax class is RMSProp({ learningRate, beta2 (gamma), eps }) and runs the same step.
import { core } from '../wasm/instance.js';
import { decayRate, nonNegative } from './options.js';
import type { Schedule } from './schedules.js';
import { optimizerTriple, type OptimizerSpec } from './spec.js';
import type { GetParams, Triple } from './triple.js';
import type { FirstOrderInit, FirstOrderUpdate } from './adam.js';

export interface RmspropOptions {
  /** Learning rate, or a schedule (i) => rate. Default 1e-3. */
  stepSize?: number | Schedule;
  /** Decay of the moving average of g². Default 0.9. */
  gamma?: number;
  /** Added under the square root. Default 1e-8. */
  eps?: number;
}

export const rmspropSpec: OptimizerSpec = {
  name: 'rmsprop',
  flaxName: 'RMSProp',
  slots: ['v'], // the moving average of g²
  inputs: ['grads'],
  stepSizeDefault: 1e-3,
  hyper: {
    gamma: { default: 0.9, check: decayRate, flax: 'beta2' },
    eps: { default: 1e-8, check: nonNegative },
  },
  positional: ['stepSize', 'gamma', 'eps'],
  update: (hyper) => ({
    writes: ['v'],
    step: (leaf) =>
      core.rmspropStep(
        leaf.old.x, leaf.old.slots.v, leaf.inputs[0], leaf.next.x, leaf.next.slots.v, leaf.size,
        hyper.stepSize, hyper.gamma, hyper.eps,
      ) !== 0,
  }),
};

/** RMSprop as a triple: `rmsprop(stepSize, gamma?, eps?)` (as JAX) or `rmsprop({ stepSize, gamma, eps })`. */
export const rmsprop: (
  options?: RmspropOptions | number | Schedule,
  gamma?: number,
  eps?: number,
) => Triple<FirstOrderInit, FirstOrderUpdate, GetParams> = optimizerTriple(rmspropSpec);
