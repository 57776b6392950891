// Stochastic gradient descent as jax.example_libraries.optimizers.sgd: x = x - stepSize(i) · g.
import { core } from '../wasm/instance.js';
import { checkState, checkStepIndex, initState, paramsOf, updateTree, type LeafRule } from './lift.js';
import { knownKeys, stepSizeAt, stepSizeOption } from './options.js';
import type { Schedule } from './schedules.js';
import { triple, type GetParams, type Triple } from './triple.js';
import type { FirstOrderInit, FirstOrderUpdate } from './adam.js';

export interface SgdOptions {
  /** Learning rate, or a schedule (i) => rate. Required. */
  stepSize: number | Schedule;
}

/** SGD as a triple: `sgd(0.1)`, `sgd(schedule)` (as JAX) or `sgd({ stepSize })`. */
export function sgd(options: SgdOptions | number | Schedule): Triple<FirstOrderInit, FirstOrderUpdate, GetParams> {
  const opts = typeof options === 'object' && options !== null ? options : { stepSize: options };
  knownKeys('sgd', opts, ['stepSize']);
  const schedule = stepSizeOption('sgd', 'stepSize', opts.stepSize);
  const init: FirstOrderInit = (params) => initState('sgd', params);
  const update: FirstOrderUpdate = (i, grads, state) => {
    checkStepIndex('sgd', i);
    checkState('sgd', state);
    const stepSize = stepSizeAt('sgd', schedule, i);
    const rule: LeafRule = {
      kind: 'sgd',
      inputs: ['grads'],
      writes: () => [],
      step: (leaf) => core.sgdStep(leaf.x, leaf.inputs[0], leaf.size, stepSize) !== 0,
    };
    return updateTree(rule, i, [grads], state);
  };
  return triple(init, update, paramsOf as GetParams);
}
