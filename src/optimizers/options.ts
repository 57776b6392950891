// Checking hyper-parameters, as the reference implementations do, with RangeErrors thrown when an
// optimizer is made (and again for Flax's per-step overrides). Wrong types are TypeErrors.
import { describe } from '../tensor.js';
import type { Schedule } from './schedules.js';

/** `owner: name must be ..., got ...` */
function fail(owner: string, name: string, expected: string, value: unknown): never {
  const got = typeof value === 'number' ? String(value) : describe(value);
  throw new RangeError(`${owner}: ${name} must be ${expected}, got ${got}`);
}

function number(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number') {
    throw new TypeError(`${owner}: ${name} must be a number, got ${describe(value)}`);
  }
  return value;
}

/** A finite number ≥ 0 (step sizes, eps, weight decay, mass). */
export function nonNegative(owner: string, name: string, value: unknown): number {
  const x = number(owner, name, value);
  if (!Number.isFinite(x) || x < 0) fail(owner, name, 'a finite number ≥ 0', x);
  return x;
}

/** 0 ≤ b < 1 (the moments' decay rates b1, b2). */
export function decayRate(owner: string, name: string, value: unknown): number {
  const x = number(owner, name, value);
  if (!(x >= 0 && x < 1)) fail(owner, name, `a number with 0 ≤ ${name} < 1`, x);
  return x;
}

/** 0 ≤ k ≤ 1 (the Hessian power). */
export function unitInterval(owner: string, name: string, value: unknown): number {
  const x = number(owner, name, value);
  if (!(x >= 0 && x <= 1)) fail(owner, name, `a number with 0 ≤ ${name} ≤ 1`, x);
  return x;
}

/** A step size: a finite number ≥ 0 or a schedule `(i) => number` (checked at each step). */
export function stepSizeOption(owner: string, name: string, value: unknown): number | Schedule {
  if (typeof value === 'function') return value as Schedule;
  return nonNegative(owner, name, value);
}

/** The step size for step i: a schedule's value is checked like a fixed step size. */
export function stepSizeAt(owner: string, stepSize: number | Schedule, i: number): number {
  if (typeof stepSize === 'number') return stepSize;
  const value = stepSize(i);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(owner, `the step-size schedule's value at step ${i}`, 'a finite number ≥ 0', value);
  }
  return value;
}

export { knownKeys } from '../options.js';

/** Drops keys whose value is undefined, so they take their defaults. */
export function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
