// AdaHessian (DESIGN §2), per leaf, step i (t = i + 1):
//   D = mean of |h| over the spatialAverage axes (keepdims), broadcast back
//   m = b1 m + (1 - b1) g
//   v = b2 v + (1 - b2) D²
//   x = x - stepSize(i) · ( (m / (1 - b1^t)) / ( sqrt(v / (1 - b2^t))^k + eps ) + weightDecay · x )
//
// Delayed Hessian: update(i, grads, null, state) keeps v as it is and still takes the step with
// it (bias corrections still use t = i + 1), so a Hessian computed every k steps costs nothing
// in between. The first update needs a Hessian: v is still zero then.
import { core } from '../wasm/instance.js';
import type { Tree } from '../tree.js';
import { checkState, checkStepIndex, initState, paramsOf, updateTree, type ArenaLeaf, type LeafRule } from './lift.js';
import {
  decayRate,
  knownKeys,
  nonNegative,
  stepSizeAt,
  stepSizeOption,
  unitInterval,
  withoutUndefined,
} from './options.js';
import type { Schedule } from './schedules.js';
import { averageInArena } from '../kernels/spatial.js';
import { averagedAxes, spatialAverageOption, type SpatialAverage } from './spatial.js';
import { OptimizerState } from './state.js';
import { triple, type GetParams, type Triple } from './triple.js';

export interface AdahessianOptions {
  /** Learning rate, or a schedule (i) => rate. Default 1e-3. */
  stepSize?: number | Schedule;
  /** Decay of the gradient's moving average. Default 0.9. */
  b1?: number;
  /** Decay of the moving average of D². Default 0.999. */
  b2?: number;
  /** Added to the denominator. Default 1e-8. */
  eps?: number;
  /** L2 penalty added to the step, as the reference (stepSize · weightDecay · x). Default 0. */
  weightDecay?: number;
  /** The power k of the denominator sqrt(vhat)^k. Default 1. */
  hessianPower?: number;
  /** Which axes D averages |h| over: 'last' (default, the seed's), 'conv', 'none' or (shape) => axes. */
  spatialAverage?: SpatialAverage;
}

/** The hyper-parameters of one step (the step size already taken from its schedule). */
export interface AdahessianStepHyper {
  stepSize: number;
  b1: number;
  b2: number;
  eps: number;
  weightDecay: number;
  hessianPower: number;
  spatialAverage: SpatialAverage;
}

export const ADAHESSIAN_DEFAULTS = {
  stepSize: 1e-3,
  b1: 0.9,
  b2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  hessianPower: 1,
  spatialAverage: 'last',
} as const;

const OPTION_NAMES = Object.keys(ADAHESSIAN_DEFAULTS);

/**
 * Checks every hyper-parameter but the step size (RangeError for values out of range). `names`
 * renames them in messages (the Flax class says beta1 where the triple says b1).
 */
export function checkAdahessianHyper(
  owner: string,
  h: Omit<AdahessianStepHyper, 'stepSize'>,
  names: Partial<Record<keyof AdahessianStepHyper, string>> = {},
): void {
  decayRate(owner, names.b1 ?? 'b1', h.b1);
  decayRate(owner, names.b2 ?? 'b2', h.b2);
  nonNegative(owner, 'eps', h.eps);
  nonNegative(owner, 'weightDecay', h.weightDecay);
  unitInterval(owner, 'hessianPower', h.hessianPower);
  spatialAverageOption(owner, h.spatialAverage);
}

export type AdahessianInit = (params: Tree) => OptimizerState;
/**
 * `update(i, grads, hessians, state)`: step i (0, 1, 2, ...) returns a new state. `hessians` is
 * the Hessian-diagonal estimate (e.g. from gradAndHessian) shaped like the params, or null for a
 * delayed Hessian: v is kept as it is and the step still runs with it (not on the first update).
 */
export type AdahessianUpdate = (i: number, grads: Tree, hessians: Tree | null, state: OptimizerState) => OptimizerState;

export function initAdahessian(params: Tree): OptimizerState {
  return initState('adahessian', params);
}

/** One AdaHessian update with fixed hyper-parameters (shared by the triple and the Flax class). */
export function adahessianUpdate(
  hyper: AdahessianStepHyper,
  i: number,
  grads: Tree,
  hessians: Tree | null,
  state: OptimizerState,
): OptimizerState {
  checkStepIndex('adahessian', i);
  if (state === undefined && hessians instanceof OptimizerState) {
    throw new TypeError(
      'adahessian update: the hessians argument is missing: call update(i, grads, hessians, state) ' +
        '(hessians from gradAndHessian, or null to reuse the second moment)',
    );
  }
  checkState('adahessian', state);
  if (hessians == null && state.step === 0) {
    throw new RangeError(
      'adahessian update: the first update needs hessians (the second moment v is still zero); ' +
        'pass null only on later steps, to reuse v',
    );
  }
  // Ask spatialAverage for every leaf's axes up front, so a bad answer throws before any work.
  const axes = state.params.map((p) => averagedAxes(hyper.spatialAverage, p.shape));
  const rule: LeafRule = {
    kind: 'adahessian',
    inputs: ['grads', 'hessians'],
    writes: ([, hasHessians]) => (hasHessians ? ['m', 'v'] : ['m']),
    step(leaf: ArenaLeaf): boolean {
      const [g, h] = leaf.inputs;
      const d = h === 0 ? 0 : averageInArena(h, leaf.shape, axes[leaf.index]);
      const flagged = core.adahessianStep(
        leaf.x, leaf.slots.m, leaf.slots.v, g, d, leaf.size,
        i + 1, hyper.stepSize, hyper.b1, hyper.b2, hyper.eps, hyper.weightDecay, hyper.hessianPower,
      );
      return flagged !== 0;
    },
  };
  return updateTree(rule, i, [grads, hessians ?? null], state);
}

/**
 * AdaHessian as a jax.example_libraries.optimizers triple: `[init, update, getParams]` (also
 * `.init/.update/.getParams`), with `update(i, grads, hessians, state)`. `options` may also be
 * just the step size (a number or a schedule).
 */
export function adahessian(
  options: AdahessianOptions | number | Schedule = {},
): Triple<AdahessianInit, AdahessianUpdate, GetParams> {
  const opts = typeof options === 'object' ? options : { stepSize: options };
  knownKeys('adahessian', opts, OPTION_NAMES);
  const { stepSize, ...rest } = { ...ADAHESSIAN_DEFAULTS, ...withoutUndefined(opts) };
  const schedule = stepSizeOption('adahessian', 'stepSize', stepSize);
  checkAdahessianHyper('adahessian', rest);
  const update: AdahessianUpdate = (i, grads, hessians, state) => {
    checkStepIndex('adahessian', i);
    const stepHyper = { ...rest, stepSize: stepSizeAt('adahessian', schedule, i) };
    return adahessianUpdate(stepHyper, i, grads, hessians, state);
  };
  return triple(initAdahessian, update, paramsOf as GetParams);
}
