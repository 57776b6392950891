// Float64 references for the optimizer tests, written from the update rules (the README's and
// jax.example_libraries.optimizers) with plain loops, independently of the library's kernels.
import assert from 'node:assert/strict';
import { Tensor, tree } from '../src/index.js';
import { sizeOf } from '../src/tensor.js';
import { lcgFloats } from './helpers/lcg.js';

export type Shape = readonly number[];

/** A deterministic stream of numbers in [lo, hi) (see helpers/lcg.ts). */
export const numbers = lcgFloats;

export function randomTensor(seed: number, shape: Shape, lo = -1, hi = 1): Tensor {
  return new Tensor(numbers(seed, sizeOf(shape), lo, hi), shape);
}

/** The seed's average_magnitude axes: ndim ≤ 1 none; 2-3 the last; 4 the last two; more all. */
export function seedAxes(ndim: number): number[] {
  if (ndim <= 1) return [];
  if (ndim <= 3) return [ndim - 1];
  if (ndim === 4) return [2, 3];
  return [...Array(ndim).keys()];
}

/** D: mean of |h| over `axes` (keepdims), broadcast back, by grouping every flat index. */
export function meanAbsBroadcast(h: ArrayLike<number>, shape: Shape, axes: readonly number[]): Float64Array {
  const n = sizeOf(shape);
  const group = (e: number): string => {
    const idx: number[] = [];
    for (let a = shape.length - 1; a >= 0; a--) {
      idx[a] = e % shape[a];
      e = Math.floor(e / shape[a]);
    }
    return idx.map((v, a) => (axes.includes(a) ? 0 : v)).join(',');
  };
  const sums = new Map<string, { sum: number; count: number }>();
  for (let e = 0; e < n; e++) {
    const g = sums.get(group(e)) ?? { sum: 0, count: 0 };
    g.sum += Math.abs(h[e]);
    g.count += 1;
    sums.set(group(e), g);
  }
  const d = new Float64Array(n);
  for (let e = 0; e < n; e++) {
    const g = sums.get(group(e))!;
    d[e] = g.sum / g.count;
  }
  return d;
}

export interface Moments64 {
  x: Float64Array;
  m: Float64Array;
  v: Float64Array;
}

/** A float64 copy of a leaf with zero moments. */
export function start64(p: { data: Float32Array }): Moments64 {
  return { x: Float64Array.from(p.data), m: new Float64Array(p.data.length), v: new Float64Array(p.data.length) };
}

export interface AdahessianHyper64 {
  stepSize: number;
  b1: number;
  b2: number;
  eps: number;
  weightDecay: number;
  hessianPower: number;
}

/** One leaf of AdaHessian in float64. h = null: a delayed Hessian (v unchanged). */
export function adahessianLeaf64(
  s: Moments64,
  g: ArrayLike<number>,
  h: ArrayLike<number> | null,
  shape: Shape,
  axes: readonly number[],
  i: number,
  p: AdahessianHyper64,
): Moments64 {
  const t = i + 1;
  const n = s.x.length;
  const d = h === null ? null : meanAbsBroadcast(h, shape, axes);
  const x = new Float64Array(n), m = new Float64Array(n), v = new Float64Array(n);
  for (let e = 0; e < n; e++) {
    m[e] = p.b1 * s.m[e] + (1 - p.b1) * g[e];
    v[e] = d === null ? s.v[e] : p.b2 * s.v[e] + (1 - p.b2) * d[e] * d[e];
    const mhat = m[e] / (1 - p.b1 ** t);
    const vhat = v[e] / (1 - p.b2 ** t);
    x[e] = s.x[e] - p.stepSize * (mhat / (Math.sqrt(vhat) ** p.hessianPower + p.eps) + p.weightDecay * s.x[e]);
  }
  return { x, m, v };
}

/** One leaf of Adam (JAX's, plus Flax's decoupled weight decay) in float64. */
export function adamLeaf64(
  s: Moments64,
  g: ArrayLike<number>,
  i: number,
  p: { stepSize: number; b1: number; b2: number; eps: number; weightDecay?: number },
): Moments64 {
  const t = i + 1;
  const n = s.x.length;
  const x = new Float64Array(n), m = new Float64Array(n), v = new Float64Array(n);
  for (let e = 0; e < n; e++) {
    m[e] = p.b1 * s.m[e] + (1 - p.b1) * g[e];
    v[e] = p.b2 * s.v[e] + (1 - p.b2) * g[e] * g[e];
    const mhat = m[e] / (1 - p.b1 ** t);
    const vhat = v[e] / (1 - p.b2 ** t);
    x[e] = s.x[e] - (p.stepSize * mhat) / (Math.sqrt(vhat) + p.eps) - p.stepSize * (p.weightDecay ?? 0) * s.x[e];
  }
  return { x, m, v };
}

/** Largest |got - want| over the largest |want| (max-norm over leaves). */
export function relativeError(got: readonly ArrayLike<number>[], want: readonly ArrayLike<number>[]): number {
  assert.equal(got.length, want.length, 'same number of leaves');
  let err = 0;
  let scale = 0;
  got.forEach((a, k) => {
    assert.equal(a.length, want[k].length, `leaf ${k} length`);
    for (let e = 0; e < a.length; e++) {
      err = Math.max(err, Math.abs(a[e] - want[k][e]));
      scale = Math.max(scale, Math.abs(want[k][e]));
    }
  });
  return scale === 0 ? err : err / scale;
}

/** The data of every leaf of a tree, in tree.flatten order. */
export function leafData(t: unknown): Float32Array[] {
  return (tree.leaves(t) as Tensor[]).map((l) => l.data);
}

/** Bit patterns, for exact comparisons that also tell -0 from 0 and compare NaNs. */
export function bitsOf(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

export function assertSameBits(got: unknown, want: unknown, what: string): void {
  const g = leafData(got);
  const w = leafData(want);
  assert.equal(g.length, w.length, `${what}: same number of leaves`);
  g.forEach((a, k) => assert.deepEqual(bitsOf(a), bitsOf(w[k]), `${what}: leaf ${k} bits`));
}

