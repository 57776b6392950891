// adahessian-wasm/flax: the optimizers in the style of Flax's (flax.optim) API:
//
//   const optimizer = new Adahessian({ learningRate: 0.05 }).create(params);
//   const next = optimizer.applyGradient(grads, hessians);   // a new optimizer; the old one stays
//   next.target, next.state.step
//
// Each class comes from its optimizer's spec (src/optimizers/spec.ts) and steps with exactly the
// same code as the triple with i = state.step, so a Flax optimizer and a triple fed the same
// inputs give bit-identical parameters.
import './wasm/instance.js';
import type { Tree } from './tree.js';
import { adahessianSpec } from './optimizers/adahessian.js';
import { adamSpec } from './optimizers/adam.js';
import { rmspropSpec } from './optimizers/rmsprop.js';
import { flaxOptimizer, type FlaxOptimizer, type FlaxOptimizerDef } from './optimizers/spec.js';
import type { SpatialAverage } from './optimizers/spatial.js';

export type { FlaxOptimizer, FlaxOptimizerDef } from './optimizers/spec.js';

export interface AdahessianHyperParams {
  /** Default 1e-3. */
  learningRate: number;
  /** Default 0.9. */
  beta1: number;
  /** Default 0.999. */
  beta2: number;
  /** Default 1e-8. */
  eps: number;
  /** Default 0. */
  weightDecay: number;
  /** Default 1. */
  hessianPower: number;
  /** 'last' (default), 'conv', 'none' or (shape) => axes. */
  spatialAverage: SpatialAverage;
}

export interface AdamHyperParams {
  /** Default 1e-3. */
  learningRate: number;
  /** Default 0.9. */
  beta1: number;
  /** Default 0.999. */
  beta2: number;
  /** Default 1e-8. */
  eps: number;
  /** Decoupled, as Flax's Adam: x -= learningRate · weightDecay · x. Default 0. */
  weightDecay: number;
}

export interface RMSPropHyperParams {
  /** Default 1e-3. */
  learningRate: number;
  /** The decay of the moving average of g² (the triple's gamma). Default 0.9. */
  beta2: number;
  /** Added under the square root. Default 1e-8. */
  eps: number;
}

/** `applyGradient(grads, hessians, overrides?)`: hessians may be null to reuse the second moment (not on the first step). */
export type AdahessianOptimizer = FlaxOptimizer<
  AdahessianHyperParams,
  [grads: Tree, hessians: Tree | null, overrides?: Partial<AdahessianHyperParams>]
>;
export type AdamOptimizer = FlaxOptimizer<AdamHyperParams, [grads: Tree, overrides?: Partial<AdamHyperParams>]>;
export type RMSPropOptimizer = FlaxOptimizer<RMSPropHyperParams, [grads: Tree, overrides?: Partial<RMSPropHyperParams>]>;

type ArgsOf<O> = O extends FlaxOptimizer<any, infer A> ? A : never;

/** The AdaHessian optimizer definition (Flax's OptimizerDef). */
export const Adahessian = flaxOptimizer<AdahessianHyperParams, ArgsOf<AdahessianOptimizer>>(adahessianSpec);
export type Adahessian = FlaxOptimizerDef<AdahessianHyperParams, ArgsOf<AdahessianOptimizer>>;

/** The Adam optimizer definition (Flax's OptimizerDef). */
export const Adam = flaxOptimizer<AdamHyperParams, ArgsOf<AdamOptimizer>>(adamSpec);
export type Adam = FlaxOptimizerDef<AdamHyperParams, ArgsOf<AdamOptimizer>>;

/** The RMSprop optimizer definition (Flax's OptimizerDef; the step is JAX's rmsprop, see optimizers/rmsprop.ts). */
export const RMSProp = flaxOptimizer<RMSPropHyperParams, ArgsOf<RMSPropOptimizer>>(rmspropSpec);
export type RMSProp = FlaxOptimizerDef<RMSPropHyperParams, ArgsOf<RMSPropOptimizer>>;
