// Tensor: a row-major float32 array with a shape, immutable by convention. A plain Tensor's data
// lives in a Float32Array on the JS heap; two subclasses keep theirs in wasm memory behind the
// same `data` getter: the autodiff's Tracer, and the transforms' results (src/wasm/resident-tensor.ts).

import { formatValues } from './format.js';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function checkShape(shape: unknown, what = 'shape'): Shape {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new TypeError(`${what} must be an array of non-negative integers, got ${describe(shape)}`);
  }
  return Object.freeze([...shape]);
}

/**
 * The symbol Node's util.inspect looks up, made with Symbol.for, so the package never imports
 * node:util and bundles for browsers as it is.
 */
export const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom');

export class Tensor {
  readonly shape: Shape;
  /** Number of elements, the product of the shape. */
  readonly size: number;
  #data: Float32Array;

  /**
   * Wraps `data` (not copied) as a tensor of `shape`. `elsewhere` is for the subclasses that keep
   * their numbers in wasm memory and override `data` (then `data` here is unused).
   */
  constructor(data: Float32Array, shape: Shape, elsewhere = false) {
    const s = checkShape(shape);
    this.shape = s;
    this.size = sizeOf(s);
    this.#data = data;
    if (elsewhere) return;
    if (!(data instanceof Float32Array)) {
      throw new TypeError(`Tensor data must be a Float32Array, got ${describe(data)}`);
    }
    if (data.length !== this.size) {
      throw new RangeError(
        `Tensor data has ${data.length} values but shape ${formatShape(s)} needs ${this.size}`,
      );
    }
  }

  /** The values, row-major. */
  get data(): Float32Array {
    return this.#data;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** The single value of a one-element tensor, as JAX's `.item()`. */
  item(): number {
    if (this.size !== 1) {
      throw new RangeError(
        `item() needs a tensor with exactly one element, got shape ${formatShape(this.shape)}`,
      );
    }
    return this.data[0];
  }

  toString(): string {
    return `Tensor(shape=${formatShape(this.shape)})`;
  }

  /**
   * What console.log and util.inspect show in Node: the values, numpy-style (summarised past 1,000
   * of them), and the shape.
   */
  [INSPECT](): string {
    const prefix = 'Tensor(';
    return `${prefix}${formatValues(this.data, this.shape, prefix.length)}, shape=${formatShape(this.shape)})`;
  }
}

export type NestedNumbers = number | readonly NestedNumbers[];

function inferShape(value: NestedNumbers): number[] {
  const shape: number[] = [];
  let v: NestedNumbers = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = (v as readonly NestedNumbers[])[0];
  }
  return shape;
}

function flattenNested(value: NestedNumbers, shape: number[], depth: number, out: number[]): void {
  if (depth === shape.length) {
    if (typeof value !== 'number') {
      throw new TypeError(`tensor(): ragged nested array, expected a number at depth ${depth}`);
    }
    out.push(value);
    return;
  }
  if (!Array.isArray(value) || value.length !== shape[depth]) {
    throw new TypeError(
      `tensor(): ragged nested array, expected length ${shape[depth]} at depth ${depth}`,
    );
  }
  for (const item of value as readonly NestedNumbers[]) flattenNested(item, shape, depth + 1, out);
}

/**
 * Makes a tensor. `data` is a number (a scalar), a flat ArrayLike (shape defaults to [length]),
 * or nested arrays (shape inferred). The values are copied into a new Float32Array.
 */
export function tensor(data: ArrayLike<number> | NestedNumbers, shape?: Shape): Tensor {
  if (typeof data === 'number') {
    const s = shape === undefined ? [] : checkShape(shape);
    if (sizeOf(s) !== 1) {
      throw new RangeError(`tensor(number) makes one value, but shape ${formatShape(s)} needs ${sizeOf(s)}`);
    }
    return new Tensor(Float32Array.of(data), s);
  }
  if (Array.isArray(data) && data.some((d) => Array.isArray(d))) {
    const inferred = inferShape(data as NestedNumbers);
    const flat: number[] = [];
    flattenNested(data as NestedNumbers, inferred, 0, flat);
    return new Tensor(Float32Array.from(flat), shape === undefined ? inferred : checkShape(shape));
  }
  if (data === null || typeof data !== 'object' || typeof (data as ArrayLike<number>).length !== 'number') {
    throw new TypeError(`tensor() expects a number, an array of numbers or a typed array, got ${describe(data)}`);
  }
  const values = Float32Array.from(data as ArrayLike<number>);
  return new Tensor(values, shape === undefined ? [values.length] : checkShape(shape));
}

export function zeros(shape: Shape): Tensor {
  const s = checkShape(shape);
  return new Tensor(new Float32Array(sizeOf(s)), s);
}

export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

/** A short description of any value for error messages. */
export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (x instanceof Tensor) return `Tensor${formatShape(x.shape)}`;
  if (Array.isArray(x)) return `array(length ${x.length})`;
  if (ArrayBuffer.isView(x)) return `${x.constructor.name}(length ${(x as Float32Array).length})`;
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return `${typeof x} ${String(x)}`;
}
