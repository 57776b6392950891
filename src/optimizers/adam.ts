// Adam as jax.example_libraries.optimizers.adam, per leaf, step i (t = i + 1):
//   m = b1 m + (1 - b1) g ;  v = b2 v + (1 - b2) g²
//   x = x - stepSize(i) · (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) - stepSize(i) · weightDecay · x
// The last term is Flax's decoupled weight decay (default 0, as JAX's adam has none).
import { core } from '../wasm/instance.js';
import type { Tree } from '../tree.js';
import { checkState, checkStepIndex, initState, paramsOf, updateTree, type ArenaLeaf, type LeafRule } from './lift.js';
import { decayRate, knownKeys, nonNegative, stepSizeAt, stepSizeOption, withoutUndefined } from './options.js';
import type { Schedule } from './schedules.js';
import type { OptimizerState } from './state.js';
import { triple, type GetParams, type Triple } from './triple.js';

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

export interface AdamStepHyper {
  stepSize: number;
  b1: number;
  b2: number;
  eps: number;
  weightDecay: number;
}

export const ADAM_DEFAULTS = { stepSize: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-8, weightDecay: 0 } as const;

/** Checks every hyper-parameter but the step size; `names` renames them in messages (Flax). */
export function checkAdamHyper(
  owner: string,
  h: Omit<AdamStepHyper, 'stepSize'>,
  names: Partial<Record<keyof AdamStepHyper, string>> = {},
): void {
  decayRate(owner, names.b1 ?? 'b1', h.b1);
  decayRate(owner, names.b2 ?? 'b2', h.b2);
  nonNegative(owner, 'eps', h.eps);
  nonNegative(owner, 'weightDecay', h.weightDecay);
}

export type FirstOrderInit = (params: Tree) => OptimizerState;
export type FirstOrderUpdate = (i: number, grads: Tree, state: OptimizerState) => OptimizerState;

export function initAdam(params: Tree): OptimizerState {
  return initState('adam', params);
}

/** One Adam update with fixed hyper-parameters (shared by the triple and the Flax class). */
export function adamUpdate(hyper: AdamStepHyper, i: number, grads: Tree, state: OptimizerState): OptimizerState {
  checkStepIndex('adam', i);
  checkState('adam', state);
  const rule: LeafRule = {
    kind: 'adam',
    inputs: ['grads'],
    writes: () => ['m', 'v'],
    step: (leaf: ArenaLeaf) =>
      core.adamStep(
        leaf.x, leaf.slots.m, leaf.slots.v, leaf.inputs[0], leaf.size,
        i + 1, hyper.stepSize, hyper.b1, hyper.b2, hyper.eps, hyper.weightDecay,
      ) !== 0,
  };
  return updateTree(rule, i, [grads], state);
}

/** Adam as a triple `[init, update, getParams]`; `options` may also be just the step size. */
export function adam(options: AdamOptions | number | Schedule = {}): Triple<FirstOrderInit, FirstOrderUpdate, GetParams> {
  const opts = typeof options === 'object' ? options : { stepSize: options };
  knownKeys('adam', opts, Object.keys(ADAM_DEFAULTS));
  const { stepSize, ...rest } = { ...ADAM_DEFAULTS, ...withoutUndefined(opts) };
  const schedule = stepSizeOption('adam', 'stepSize', stepSize);
  checkAdamHyper('adam', rest);
  const update: FirstOrderUpdate = (i, grads, state) => {
    checkStepIndex('adam', i);
    return adamUpdate({ ...rest, stepSize: stepSizeAt('adam', schedule, i) }, i, grads, state);
  };
  return triple(initAdam, update, paramsOf as GetParams);
}
