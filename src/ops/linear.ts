// Linear ops (reshape, broadcastTo, transpose, sum, mean, negative, stopGradient; take is in take.ts). A linear map L
// has all four rules from L and its transpose Lᵀ:
//   forward y = L x,  JVP ẏ = L ẋ,  VJP x̄ += Lᵀ ȳ,  JVP-of-VJP ẋ̄ += Lᵀ ẏ̄  (no second-order term).
import { formatShape, sizeOf, type Shape } from '../tensor.js';
import { allocF32, i32 } from '../wasm/arena.js';
import { core } from '../wasm/instance.js';
import { cotangent, cotangentTangent, Tracer } from '../autodiff/trace.js';
import { broadcastInto, sumAxesInto } from '../kernels/axes.js';
import { keepDimsShape, normalizeAxes } from './axes.js';

export type Apply = (src: number, dst: number, accumulate: boolean) => void;

/** A linear op y = L x of output `shape`: `apply` computes L, `applyTransposed` adds Lᵀ into dst. */
export function linearOp(x: Tracer, shape: Shape, apply: Apply, applyTransposed: Apply): Tracer {
  const t = x.trace;
  const y = t.value(shape, x.dep);
  apply(x.primal, y.primal, false);
  if (!y.dep) return y;
  if (t.withTangents) apply(x.tangent, y.tangent, false);
  t.onBackward(y, () => {
    applyTransposed(y.ct, cotangent(x), true);
    if (y.ctDot) applyTransposed(y.ctDot, cotangentTangent(x), true);
  });
  return y;
}

/** numpy reshape; one dimension may be -1. Shares memory with x. */
export function reshape(x: Tracer, shape: readonly number[]): Tracer {
  const known = shape.filter((d) => d !== -1);
  const free = shape.length - known.length;
  if (free > 1 || !known.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new RangeError(`reshape: invalid target shape ${formatShape(shape)}`);
  }
  const knownSize = sizeOf(known);
  const target = shape.map((d) => (d === -1 ? (knownSize === 0 ? 0 : x.size / knownSize) : d));
  if (sizeOf(target) !== x.size || !target.every(Number.isInteger)) {
    throw new RangeError(
      `reshape: cannot reshape shape ${formatShape(x.shape)} (${x.size} values) into ${formatShape(shape)}`,
    );
  }
  const y = x.trace.alias(x, target);
  if (y.dep) {
    x.trace.onBackward(y, () => {
      core.addInto(cotangent(x), y.ct, x.size);
      if (y.ctDot) core.addInto(cotangentTangent(x), y.ctDot, x.size);
    });
  }
  return y;
}

/** numpy broadcast_to. */
export function broadcastTo(x: Tracer, shape: Shape): Tracer {
  if (shape.length === x.shape.length && shape.every((d, i) => d === x.shape[i])) return x;
  const padded = [...Array(shape.length - x.shape.length).fill(1), ...x.shape];
  if (padded.length !== shape.length || padded.some((d, i) => d !== 1 && d !== shape[i])) {
    throw new RangeError(`broadcastTo: cannot broadcast shape ${formatShape(x.shape)} to ${formatShape(shape)}`);
  }
  const axes = padded.map((_, i) => i).filter((i) => padded[i] !== shape[i]);
  return linearOp(
    x,
    shape,
    (src, dst, acc) => broadcastInto(src, padded, shape, dst, acc),
    (src, dst, acc) => sumAxesInto(src, shape, axes, dst, acc),
  );
}

/** Sum over `axis` (all axes if undefined), numpy's keepdims. */
export function sum(x: Tracer, axis?: number | readonly number[], keepdims = false): Tracer {
  const axes = normalizeAxes(axis, x.shape, 'sum');
  const kept = keepDimsShape(x.shape, axes);
  const y = linearOp(
    x,
    kept,
    (src, dst, acc) => sumAxesInto(src, x.shape, axes, dst, acc),
    (src, dst, acc) => broadcastInto(src, kept, x.shape, dst, acc),
  );
  return keepdims ? y : reshape(y, x.shape.filter((_, i) => !axes.includes(i)));
}

/** Mean over `axis`: the sum divided by the count, as numpy. */
export function mean(x: Tracer, axis?: number | readonly number[], keepdims = false): Tracer {
  const axes = normalizeAxes(axis, x.shape, 'mean');
  const count = sizeOf(axes.map((a) => x.shape[a]));
  const s = sum(x, axes, keepdims);
  return linearOp(
    s,
    s.shape,
    (src, dst) => core.divScalar(src, count, dst, s.size),
    (src, dst) => core.scaleAddInto(dst, src, 1 / count, s.size),
  );
}

export function negative(x: Tracer): Tracer {
  return linearOp(
    x,
    x.shape,
    (src, dst) => core.scale(src, -1, dst, x.size),
    (src, dst) => core.scaleAddInto(dst, src, -1, x.size),
  );
}

/** numpy transpose: reverses the axes, or permutes them by `axes`. */
export function transpose(x: Tracer, axes?: readonly number[]): Tracer {
  const ndim = x.shape.length;
  const perm = axes ? [...axes].map((a) => (a < 0 ? a + ndim : a)) : x.shape.map((_, i) => ndim - 1 - i);
  if (perm.length !== ndim || [...perm].sort((p, q) => p - q).some((a, i) => a !== i)) {
    throw new RangeError(
      `transpose: axes ${formatShape(axes ?? [])} are not a permutation of the ${ndim} axes of shape ${formatShape(x.shape)}`,
    );
  }
  if (ndim > 16) throw new RangeError(`transpose: at most 16 axes are supported, got ${ndim}`);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  const outShape = perm.map((a) => x.shape[a]);
  const permuteInto = (from: Shape, order: number[]) => {
    const strides = rowMajorStrides(from);
    const to = order.map((a) => from[a]);
    const meta = allocF32(3 * ndim); // i32 shape, i32 strides, the kernel's i32 index counter
    const view = i32(meta, 2 * ndim);
    order.forEach((a, d) => {
      view[d] = to[d];
      view[ndim + d] = strides[a];
    });
    return (src: number, dst: number, acc: boolean) =>
      core.permute(src, dst, ndim, meta, meta + 4 * ndim, meta + 8 * ndim, acc);
  };
  return linearOp(x, outShape, permuteInto(x.shape, perm), permuteInto(outShape, inverse));
}

function rowMajorStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** The same values with no derivative (JAX's stop_gradient). */
export function stopGradient(x: Tracer): Tracer {
  if (!x.dep) return x;
  const y = x.trace.value(x.shape, false);
  core.copyInto(x.primal, y.primal, x.size, false);
  return y;
}
