// adahessian-wasm/flax: the optimizers in the style of Flax's (flax.optim) API:
//
//   const optimizer = new Adahessian({ learningRate: 0.05 }).create(params);
//   const next = optimizer.applyGradient(grads, hessians);   // a new optimizer; the old one stays
//   next.target, next.state.step
//
// Each step runs exactly the same code as the optimizers' triples with i = state.step, so a Flax
// optimizer and a triple fed the same inputs give bit-identical parameters.
import './wasm/instance.js';
import type { Tree } from './tree.js';
import type { Tensor } from './tensor.js';
import {
  ADAHESSIAN_DEFAULTS,
  adahessianUpdate,
  checkAdahessianHyper,
  initAdahessian,
  type AdahessianStepHyper,
} from './optimizers/adahessian.js';
import { ADAM_DEFAULTS, adamUpdate, checkAdamHyper, initAdam, type AdamStepHyper } from './optimizers/adam.js';
import { checkState, paramsOf } from './optimizers/lift.js';
import { knownKeys, nonNegative, withoutUndefined } from './optimizers/options.js';
import type { SpatialAverage } from './optimizers/spatial.js';
import type { OptimizerState } from './optimizers/state.js';

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
  /** 'last' (default), 'none' or (shape) => axes. */
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

/** The Flax names of the hyper-parameters the triples call b1 and b2. */
const FLAX_NAMES = { b1: 'beta1', b2: 'beta2' };

/** Options merged over defaults, with every value checked (RangeError when out of range). */
function merge<H extends { learningRate: number }>(owner: string, base: H, options: Partial<H>): H {
  knownKeys(owner, options, Object.keys(base));
  const merged = { ...base, ...withoutUndefined(options) };
  nonNegative(owner, 'learningRate', merged.learningRate);
  return Object.freeze(merged);
}

function toAdahessianStep(h: AdahessianHyperParams): AdahessianStepHyper {
  return {
    stepSize: h.learningRate,
    b1: h.beta1,
    b2: h.beta2,
    eps: h.eps,
    weightDecay: h.weightDecay,
    hessianPower: h.hessianPower,
    spatialAverage: h.spatialAverage,
  };
}

function toAdamStep(h: AdamHyperParams): AdamStepHyper {
  return { stepSize: h.learningRate, b1: h.beta1, b2: h.beta2, eps: h.eps, weightDecay: h.weightDecay };
}

/** The AdaHessian optimizer definition (Flax's OptimizerDef). */
export class Adahessian {
  readonly hyperParams: Readonly<AdahessianHyperParams>;

  constructor(options: Partial<AdahessianHyperParams> = {}) {
    this.hyperParams = this.#withOverrides(
      {
        learningRate: ADAHESSIAN_DEFAULTS.stepSize,
        beta1: ADAHESSIAN_DEFAULTS.b1,
        beta2: ADAHESSIAN_DEFAULTS.b2,
        eps: ADAHESSIAN_DEFAULTS.eps,
        weightDecay: ADAHESSIAN_DEFAULTS.weightDecay,
        hessianPower: ADAHESSIAN_DEFAULTS.hessianPower,
        spatialAverage: ADAHESSIAN_DEFAULTS.spatialAverage,
      },
      options,
    );
  }

  #withOverrides(base: AdahessianHyperParams, overrides: Partial<AdahessianHyperParams>): AdahessianHyperParams {
    const h = merge('Adahessian', base, overrides);
    checkAdahessianHyper('Adahessian', toAdahessianStep(h), FLAX_NAMES);
    return h;
  }

  /** An optimizer at step 0 for the parameter tree `target`. */
  create(target: Tree): AdahessianOptimizer {
    return new AdahessianOptimizer(this, initAdahessian(target));
  }

  /** An optimizer continuing from a state (e.g. from optimizers.deserialize). */
  restore(state: OptimizerState): AdahessianOptimizer {
    return new AdahessianOptimizer(this, checkState('adahessian', state));
  }

  /** @internal one step at i = state.step with the hyper-parameters, overridden for this step. */
  applyGradient(
    state: OptimizerState,
    grads: Tree,
    hessians: Tree | null,
    overrides: Partial<AdahessianHyperParams> = {},
  ): OptimizerState {
    const h = this.#withOverrides(this.hyperParams, overrides);
    return adahessianUpdate(toAdahessianStep(h), state.step, grads, hessians, state);
  }
}

/** An AdaHessian optimizer: the parameters (`target`) and the optimizer state. Immutable. */
export class AdahessianOptimizer {
  readonly optimizerDef: Adahessian;
  /** The optimizer state; `state.step` counts the steps taken. */
  readonly state: OptimizerState;
  /** The current parameters, as a tree shaped like the one given to create(). */
  readonly target: Tree<Tensor>;

  constructor(optimizerDef: Adahessian, state: OptimizerState) {
    this.optimizerDef = optimizerDef;
    this.state = state;
    this.target = paramsOf(state);
    Object.freeze(this);
  }

  /**
   * A new optimizer one step further. `hessians` may be null to reuse the second moment (a
   * delayed Hessian; not on the first step). `overrides` replace hyper-parameters for this step
   * only, e.g. `{ learningRate: 0.01 }`.
   */
  applyGradient(grads: Tree, hessians: Tree | null, overrides?: Partial<AdahessianHyperParams>): AdahessianOptimizer {
    return new AdahessianOptimizer(
      this.optimizerDef,
      this.optimizerDef.applyGradient(this.state, grads, hessians, overrides),
    );
  }
}

/** The Adam optimizer definition (Flax's OptimizerDef). */
export class Adam {
  readonly hyperParams: Readonly<AdamHyperParams>;

  constructor(options: Partial<AdamHyperParams> = {}) {
    this.hyperParams = this.#withOverrides(
      {
        learningRate: ADAM_DEFAULTS.stepSize,
        beta1: ADAM_DEFAULTS.b1,
        beta2: ADAM_DEFAULTS.b2,
        eps: ADAM_DEFAULTS.eps,
        weightDecay: ADAM_DEFAULTS.weightDecay,
      },
      options,
    );
  }

  #withOverrides(base: AdamHyperParams, overrides: Partial<AdamHyperParams>): AdamHyperParams {
    const h = merge('Adam', base, overrides);
    checkAdamHyper('Adam', toAdamStep(h), FLAX_NAMES);
    return h;
  }

  create(target: Tree): AdamOptimizer {
    return new AdamOptimizer(this, initAdam(target));
  }

  restore(state: OptimizerState): AdamOptimizer {
    return new AdamOptimizer(this, checkState('adam', state));
  }

  /** @internal */
  applyGradient(state: OptimizerState, grads: Tree, overrides: Partial<AdamHyperParams> = {}): OptimizerState {
    const h = this.#withOverrides(this.hyperParams, overrides);
    return adamUpdate(toAdamStep(h), state.step, grads, state);
  }
}

/** An Adam optimizer: the parameters (`target`) and the optimizer state. Immutable. */
export class AdamOptimizer {
  readonly optimizerDef: Adam;
  readonly state: OptimizerState;
  readonly target: Tree<Tensor>;

  constructor(optimizerDef: Adam, state: OptimizerState) {
    this.optimizerDef = optimizerDef;
    this.state = state;
    this.target = paramsOf(state);
    Object.freeze(this);
  }

  /** A new optimizer one step further; `overrides` replace hyper-parameters for this step only. */
  applyGradient(grads: Tree, overrides?: Partial<AdamHyperParams>): AdamOptimizer {
    return new AdamOptimizer(this.optimizerDef, this.optimizerDef.applyGradient(this.state, grads, overrides));
  }
}
