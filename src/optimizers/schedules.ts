// Step-size schedules with the semantics of jax.example_libraries.optimizers: a schedule maps the
// step index i (0, 1, 2, ...) to a step size. Powers are computed in wasm (no host Math), so a
// schedule gives the same number in every engine.
import { core } from '../wasm/instance.js';
import { describe } from '../tensor.js';

export type Schedule = (i: number) => number;

/** A finite number: > 0 when `positive`, else ≥ 0 (step sizes and decay rates are never negative). */
function finite(owner: string, name: string, value: unknown, positive = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (positive ? value <= 0 : value < 0)) {
    const got = typeof value === 'number' ? String(value) : describe(value);
    throw new RangeError(`${owner}: ${name} must be a finite ${positive ? 'positive number' : 'number ≥ 0'}, got ${got}`);
  }
  return value;
}

/** i ↦ stepSize */
export function constant(stepSize: number): Schedule {
  finite('constant', 'stepSize', stepSize);
  return () => stepSize;
}

/** i ↦ stepSize · decayRate^(i / decaySteps) */
export function exponentialDecay(stepSize: number, decaySteps: number, decayRate: number): Schedule {
  finite('exponentialDecay', 'stepSize', stepSize);
  finite('exponentialDecay', 'decaySteps', decaySteps, true);
  finite('exponentialDecay', 'decayRate', decayRate);
  return (i) => stepSize * core.optimPow(decayRate, i / decaySteps);
}

/**
 * i ↦ stepSize / (1 + decayRate · i / decaySteps), or with `staircase`
 * i ↦ stepSize / (1 + decayRate · floor(i / decaySteps)).
 */
export function inverseTimeDecay(
  stepSize: number,
  decaySteps: number,
  decayRate: number,
  staircase = false,
): Schedule {
  finite('inverseTimeDecay', 'stepSize', stepSize);
  finite('inverseTimeDecay', 'decaySteps', decaySteps, true);
  finite('inverseTimeDecay', 'decayRate', decayRate);
  return staircase
    ? (i) => stepSize / (1 + decayRate * Math.floor(i / decaySteps))
    : (i) => stepSize / (1 + (decayRate * i) / decaySteps);
}

/**
 * i ↦ values[k] where k counts the boundaries strictly below i: values[0] up to and including
 * boundaries[0], values[1] after it, ... (values has one more entry than boundaries).
 */
export function piecewiseConstant(boundaries: readonly number[], values: readonly number[]): Schedule {
  if (!Array.isArray(boundaries) || !Array.isArray(values)) {
    throw new TypeError('piecewiseConstant: boundaries and values must be arrays of numbers');
  }
  if (values.length !== boundaries.length + 1) {
    throw new RangeError(
      `piecewiseConstant: values must have one more entry than boundaries, ` +
        `got ${values.length} values for ${boundaries.length} boundaries`,
    );
  }
  boundaries.forEach((b, k) => {
    if (typeof b !== 'number' || !Number.isFinite(b)) {
      throw new RangeError(`piecewiseConstant: boundaries[${k}] must be a finite number, got ${typeof b === 'number' ? b : describe(b)}`);
    }
  });
  values.forEach((v, k) => finite('piecewiseConstant', `values[${k}]`, v));
  const bs = [...boundaries];
  const vs = [...values];
  return (i) => {
    let k = 0;
    for (const b of bs) if (i > b) k++;
    return vs[k];
  };
}

/** A fixed step size as a schedule; a schedule as itself (JAX's make_schedule). */
export function makeSchedule(stepSize: number | Schedule): Schedule {
  return typeof stepSize === 'function' ? stepSize : constant(stepSize);
}
