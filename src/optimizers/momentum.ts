// SGD with momentum as jax.example_libraries.optimizers.momentum:
//   velocity = mass · velocity + g ;  x = x - stepSize(i) · velocity
import { core } from '../wasm/instance.js';
import { checkState, checkStepIndex, initState, paramsOf, updateTree, type LeafRule } from './lift.js';
import { knownKeys, nonNegative, stepSizeAt, stepSizeOption } from './options.js';
import type { Schedule } from './schedules.js';
import { triple, type GetParams, type Triple } from './triple.js';
import type { FirstOrderInit, FirstOrderUpdate } from './adam.js';

export interface MomentumOptions {
  /** Learning rate, or a schedule (i) => rate. Required. */
  stepSize: number | Schedule;
  /** Decay of the velocity, a finite number ≥ 0. Required. */
  mass: number;
}

/** Momentum as a triple: `momentum(stepSize, mass)` (as JAX) or `momentum({ stepSize, mass })`. */
export function momentum(
  options: MomentumOptions | number | Schedule,
  mass?: number,
): Triple<FirstOrderInit, FirstOrderUpdate, GetParams> {
  const opts = typeof options === 'object' && options !== null ? options : { stepSize: options, mass };
  knownKeys('momentum', opts, ['stepSize', 'mass']);
  const schedule = stepSizeOption('momentum', 'stepSize', opts.stepSize);
  const massValue = nonNegative('momentum', 'mass', opts.mass);
  const init: FirstOrderInit = (params) => initState('momentum', params);
  const update: FirstOrderUpdate = (i, grads, state) => {
    checkStepIndex('momentum', i);
    checkState('momentum', state);
    const stepSize = stepSizeAt('momentum', schedule, i);
    const rule: LeafRule = {
      kind: 'momentum',
      inputs: ['grads'],
      writes: () => ['velocity'],
      step: (leaf) =>
        core.momentumStep(leaf.x, leaf.slots.velocity, leaf.inputs[0], leaf.size, stepSize, massValue) !== 0,
    };
    return updateTree(rule, i, [grads], state);
  };
  return triple(init, update, paramsOf as GetParams);
}
