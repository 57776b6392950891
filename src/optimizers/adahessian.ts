// AdaHessian, per leaf, step i (t = i + 1):
//   D = mean of |h| over the spatialAverage axes (keepdims), broadcast back
//   m = b1 m + (1 - b1) g
//   v = b2 v + (1 - b2) D²
//   x = x - stepSize(i) · ( (m / (1 - b1^t)) / ( sqrt(v / (1 - b2^t))^k + eps ) + weightDecay · x )
//
// Delayed Hessian: update(i, grads, null, state) keeps v as it is and still takes the step with
// it (bias corrections still use t = i + 1), so a Hessian computed every k steps costs nothing
// in between. The first update needs a Hessian: v is still zero then.
import { core } from '../wasm/instance.js';
import { alloc, f64 } from '../wasm/arena.js';
import type { Tree } from '../tree.js';
import { spatialDInArena } from '../kernels/spatial.js';
import { MOMENT_HYPER } from './adam.js';
import { unitInterval } from './options.js';
import type { Schedule } from './schedules.js';
import { optimizerTriple, type OptimizerSpec } from './spec.js';
import { averagedAxes, spatialAverageOption, type SpatialAverage } from './spatial.js';
import type { OptimizerState } from './state.js';
import type { GetParams, Triple } from './triple.js';

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

/** Float64 values copied into the arena (adahessianStepRows reads its constants from memory). */
function inArena(values: readonly number[]): number {
  const ptr = alloc(values.length * 8);
  f64(ptr, values.length).set(values);
  return ptr;
}

export const adahessianSpec: OptimizerSpec = {
  name: 'adahessian',
  flaxName: 'Adahessian',
  slots: ['m', 'v'], // first moment of the gradient, second moment of D (the Hessian diagonal)
  inputs: ['grads', 'hessians'],
  stepSizeDefault: 1e-3,
  hyper: {
    ...MOMENT_HYPER, // b1, b2 (of D² here), eps, weightDecay (an L2 term inside the step, unlike Adam's)
    hessianPower: { default: 1, check: unitInterval },
    spatialAverage: { default: 'last', check: (owner, _name, value) => spatialAverageOption(owner, value) },
  },
  update(hyper, i, state, [, hasHessians]) {
    if (!hasHessians && state.step === 0) {
      throw new RangeError(
        'adahessian update: the first update needs hessians (the second moment v is still zero); ' +
          'pass null only on later steps, to reuse v',
      );
    }
    // Ask spatialAverage for every leaf's axes up front, so a bad answer throws before any work.
    const axes = state.shapes.map((shape) => averagedAxes(hyper.spatialAverage, shape));
    return {
      writes: hasHessians ? ['m', 'v'] : ['m'],
      step(leaf) {
        const [g, h] = leaf.inputs;
        const { old, next } = leaf;
        const constants = [i + 1, hyper.stepSize, hyper.b1, hyper.b2, hyper.eps, hyper.weightDecay, hyper.hessianPower] as const;
        // no Hessian this step: D = 0 (v kept); one run of averaged axes ('last', 'conv'): the
        // step reads the means per row; else D per element
        const d = h === 0 ? { each: 0 } : spatialDInArena(h, leaf.shape, axes[leaf.index]);
        const flagged = 'rows' in d
          ? core.adahessianStepRows(
              old.x, old.slots.m, old.slots.v, g, d.rows.means, next.x, next.slots.m, next.slots.v,
              d.rows.outer, d.rows.len, d.rows.inner, inArena(constants),
            )
          : core.adahessianStep(
              old.x, old.slots.m, old.slots.v, g, d.each, next.x, next.slots.m, next.slots.v, leaf.size, ...constants,
            );
        return flagged !== 0;
      },
    };
  },
};

export type AdahessianInit = (params: Tree) => OptimizerState;
/**
 * `update(i, grads, hessians, state)`: step i (0, 1, 2, ...) returns a new state. `hessians` is
 * the Hessian-diagonal estimate (e.g. from gradAndHessian) shaped like the params, or null for a
 * delayed Hessian: v is kept as it is and the step still runs with it (not on the first update).
 */
export type AdahessianUpdate = (i: number, grads: Tree, hessians: Tree | null, state: OptimizerState) => OptimizerState;

/**
 * AdaHessian as a jax.example_libraries.optimizers triple: `[init, update, getParams]` (also
 * `.init/.update/.getParams`), with `update(i, grads, hessians, state)`. `options` may also be
 * just the step size (a number or a schedule).
 */
export const adahessian: (options?: AdahessianOptions | number | Schedule) => Triple<AdahessianInit, AdahessianUpdate, GetParams> =
  optimizerTriple(adahessianSpec);
