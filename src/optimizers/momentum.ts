// SGD with momentum as jax.example_libraries.optimizers.momentum:
//   velocity = mass · velocity + g ;  x = x - stepSize(i) · velocity
import { core } from '../wasm/instance.js';
import { nonNegative } from './options.js';
import type { Schedule } from './schedules.js';
import { optimizerTriple, type OptimizerSpec } from './spec.js';
import type { GetParams, Triple } from './triple.js';
import type { FirstOrderInit, FirstOrderUpdate } from './adam.js';

export interface MomentumOptions {
  /** Learning rate, or a schedule (i) => rate. Required. */
  stepSize: number | Schedule;
  /** Decay of the velocity, a finite number ≥ 0. Required. */
  mass: number;
}

export const momentumSpec: OptimizerSpec = {
  name: 'momentum',
  slots: ['velocity'],
  inputs: ['grads'],
  hyper: { mass: { check: nonNegative } },
  positional: ['stepSize', 'mass'],
  update: (hyper) => ({
    writes: ['velocity'],
    step: (leaf) =>
      core.momentumStep(
        leaf.old.x, leaf.old.slots.velocity, leaf.inputs[0], leaf.next.x, leaf.next.slots.velocity, leaf.size,
        hyper.stepSize, hyper.mass,
      ) !== 0,
  }),
};

/** Momentum as a triple: `momentum(stepSize, mass)` (as JAX) or `momentum({ stepSize, mass })`. */
export const momentum: (
  options: MomentumOptions | number | Schedule,
  mass?: number,
) => Triple<FirstOrderInit, FirstOrderUpdate, GetParams> = optimizerTriple(momentumSpec);
