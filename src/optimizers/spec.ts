// One definition per optimizer. An OptimizerSpec says what an optimizer is: its name, the state
// arrays it keeps, the trees its update takes, its hyper-parameters (defaults, checks, Flax names)
// and, per update, the fused kernel it runs on each leaf. Everything else comes from the spec:
// the jax.example_libraries-style triple (optimizerTriple), the Flax class (flaxOptimizer), the
// validation of options and overrides, and the state kind serialize accepts (registered here).
import type { Tensor } from '../tensor.js';
import type { Tree } from '../tree.js';
import { checkState, checkStepIndex, initState, paramsOf, updateTree, type ArenaLeaf } from './lift.js';
import { knownKeys, nonNegative, stepSizeAt, stepSizeOption, withoutUndefined } from './options.js';
import type { Schedule } from './schedules.js';
import { OptimizerState, registerKind } from './state.js';
import { triple, type GetParams, type Triple } from './triple.js';

/** Checks one option value, throwing a RangeError (out of range) or TypeError (wrong type) that names it. */
export type Check = (owner: string, name: string, value: unknown) => unknown;

export interface HyperParamSpec {
  /** The default; without one the option is required. */
  default?: unknown;
  check: Check;
  /** Its name in the Flax class, when that differs (b1 is Flax's beta1). */
  flax?: string;
}

/** One update's hyper-parameters: the step size (read from its schedule at step i) and the rest. */
export type StepHyper = { stepSize: number } & Record<string, any>;

/** What one update runs: the slots it rewrites and the kernel call for one leaf (true: NaN/Inf seen). */
export interface LeafStep {
  writes: readonly string[];
  step(leaf: ArenaLeaf): boolean;
}

export interface OptimizerSpec {
  /** The state kind, and the owner named in messages: 'adahessian'. */
  name: string;
  /** The Flax class's name, for optimizers that have one: 'Adahessian'. */
  flaxName?: string;
  /** The arrays a state keeps per leaf besides the parameters, zero at init. */
  slots: readonly string[];
  /** The trees update takes between i and the state, e.g. ['grads', 'hessians']. */
  inputs: readonly string[];
  /** The step size's default (Flax's learningRate); without one it is required. */
  stepSizeDefault?: number;
  /** The other hyper-parameters, in the order they are checked and listed. */
  hyper: Readonly<Record<string, HyperParamSpec>>;
  /** The factory's positional form, as JAX's: momentum(stepSize, mass). Default: just the step size. */
  positional?: readonly string[];
  /**
   * The update for step i, once i, the state and which inputs are present (not null) have been
   * checked and before any input is read: its own checks, then the per-leaf kernel call.
   */
  update(hyper: StepHyper, i: number, state: OptimizerState, present: readonly boolean[]): LeafStep;
}

/** The option names of a spec, as the triple spells them, in order. */
function optionNames(spec: OptimizerSpec): string[] {
  return ['stepSize', ...Object.keys(spec.hyper)];
}

/** Checks every hyper-parameter but the step size, under the names `nameOf` gives. */
function checkHyper(spec: OptimizerSpec, owner: string, values: Record<string, unknown>, nameOf: (k: string) => string) {
  return Object.fromEntries(
    Object.entries(spec.hyper).map(([k, h]) => [k, h.check(owner, nameOf(k), values[nameOf(k)])]),
  );
}

/**
 * One update with fixed hyper-parameters, shared by the triple and the Flax class (so both give
 * the same bits): `inputs` in spec.inputs order, `state` after them.
 */
function applyUpdate(spec: OptimizerSpec, hyper: StepHyper, i: number, inputs: unknown[], state: unknown): OptimizerState {
  const last = inputs[inputs.length - 1];
  if (state === undefined && inputs.length > 1 && last instanceof OptimizerState) {
    throw new TypeError(
      `${spec.name} update: the ${spec.inputs[inputs.length - 1]} argument is missing: ` +
        `call update(i, ${spec.inputs.join(', ')}, state)`,
    );
  }
  const checked = checkState(spec.name, state);
  const present = inputs.map((t) => t !== null && t !== undefined);
  const leafStep = spec.update(hyper, i, checked, present);
  return updateTree(
    { kind: spec.name, inputs: spec.inputs, writes: leafStep.writes, step: (leaf) => leafStep.step(leaf) },
    i,
    inputs.map((t) => (t === undefined ? null : (t as Tree | null))),
    checked,
  );
}

/**
 * The triple factory of a spec: `make(options)` with options an object, or positionally
 * `make(stepSize, ...)` as JAX's factories. Every option is checked when the triple is made;
 * update(i, ...inputs, state) checks i once and reads the step size from its schedule.
 */
export function optimizerTriple(spec: OptimizerSpec): (...args: any[]) => Triple<(params: Tree) => OptimizerState, any, GetParams> {
  registerKind(spec.name, spec.slots);
  const names = optionNames(spec);
  const positional = spec.positional ?? ['stepSize'];
  const defaults: Record<string, unknown> = {
    stepSize: spec.stepSizeDefault,
    ...Object.fromEntries(Object.entries(spec.hyper).map(([k, h]) => [k, h.default])),
  };
  const init = (params: Tree) => initState(spec.name, params);
  return (...args: unknown[]) => {
    const [first] = args;
    const options =
      first === undefined ? {} : typeof first === 'object' ? first : Object.fromEntries(positional.map((k, n) => [k, args[n]]));
    knownKeys(spec.name, options as object, names);
    const values = { ...defaults, ...withoutUndefined(options as Record<string, unknown>) };
    const schedule = stepSizeOption(spec.name, 'stepSize', values.stepSize);
    const rest = checkHyper(spec, spec.name, values, (k) => k);
    const update = (i: number, ...more: unknown[]) => {
      checkStepIndex(spec.name, i);
      const hyper = { ...rest, stepSize: stepSizeAt(spec.name, schedule as number | Schedule, i) };
      return applyUpdate(spec, hyper, i, more.slice(0, spec.inputs.length), more[spec.inputs.length]);
    };
    return triple(init, update, paramsOf as GetParams);
  };
}

/** A Flax optimizer definition (Flax's OptimizerDef): hyper-parameters under Flax's names. */
export interface FlaxOptimizerDef<H, A extends unknown[]> {
  readonly hyperParams: Readonly<H>;
  /** An optimizer at step 0 for the parameter tree `target`. */
  create(target: Tree): FlaxOptimizer<H, A>;
  /** An optimizer continuing from a state (e.g. from optimizers.deserialize). */
  restore(state: OptimizerState): FlaxOptimizer<H, A>;
}

/** A Flax optimizer: the parameters (`target`) and the state, immutable; applyGradient returns the next one. */
export interface FlaxOptimizer<H, A extends unknown[]> {
  readonly optimizerDef: FlaxOptimizerDef<H, A>;
  /** The optimizer state; `state.step` counts the steps taken. */
  readonly state: OptimizerState;
  /** The current parameters, as a tree shaped like the one given to create(). */
  readonly target: Tree<Tensor>;
  /**
   * A new optimizer one step further (i = state.step): the spec's inputs, then optional
   * overrides of hyper-parameters for this step only, e.g. `{ learningRate: 0.01 }`.
   */
  applyGradient(...args: A): FlaxOptimizer<H, A>;
}

/**
 * The Flax class of a spec: `new Class(hyperParams)` under Flax's names (learningRate for the step
 * size), checked at construction and again with each step's overrides. Steps run applyUpdate,
 * exactly as the triple's.
 */
export function flaxOptimizer<H, A extends unknown[]>(spec: OptimizerSpec): new (options?: Partial<H>) => FlaxOptimizerDef<H, A> {
  registerKind(spec.name, spec.slots);
  const owner = spec.flaxName ?? spec.name;
  const flaxName = (k: string) => (k === 'stepSize' ? 'learningRate' : (spec.hyper[k]?.flax ?? k));
  const base = Object.fromEntries(
    optionNames(spec).map((k) => [flaxName(k), k === 'stepSize' ? spec.stepSizeDefault : spec.hyper[k].default]),
  );
  const merge = (over: Record<string, unknown>, overrides: unknown): Record<string, unknown> => {
    knownKeys(owner, overrides as object, Object.keys(base));
    const merged = { ...over, ...withoutUndefined(overrides as Record<string, unknown>) };
    nonNegative(owner, 'learningRate', merged.learningRate);
    checkHyper(spec, owner, merged, flaxName);
    return Object.freeze(merged);
  };
  const stepHyper = (h: Record<string, unknown>): StepHyper =>
    Object.fromEntries(optionNames(spec).map((k) => [k, h[flaxName(k)]])) as StepHyper;

  class Optimizer implements FlaxOptimizer<H, A> {
    readonly optimizerDef: Def;
    readonly state: OptimizerState;
    readonly target: Tree<Tensor>;

    constructor(optimizerDef: Def, state: OptimizerState) {
      this.optimizerDef = optimizerDef;
      this.state = state;
      this.target = paramsOf(state);
      Object.freeze(this);
    }

    applyGradient(...args: A): Optimizer {
      const n = spec.inputs.length;
      const hyper = merge(this.optimizerDef.hyperParams as Record<string, unknown>, args[n] ?? {});
      const next = applyUpdate(spec, stepHyper(hyper), this.state.step, args.slice(0, n), this.state);
      return new Optimizer(this.optimizerDef, next);
    }
  }

  class Def implements FlaxOptimizerDef<H, A> {
    readonly hyperParams: Readonly<H>;

    constructor(options: Partial<H> = {}) {
      this.hyperParams = merge(base, options) as unknown as H;
    }

    create(target: Tree): Optimizer {
      return new Optimizer(this, initState(spec.name, target));
    }

    restore(state: OptimizerState): Optimizer {
      return new Optimizer(this, checkState(spec.name, state));
    }
  }
  Object.defineProperty(Def, 'name', { value: owner });
  return Def;
}
