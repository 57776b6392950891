// Shape arithmetic shared by the ops: axis normalisation, numpy broadcasting, and raw (untraced)
// multi-axis reductions and broadcasts built from the one-axis kernels in assembly/ops/reduce.ts.
import { formatShape, sizeOf, type Shape } from '../tensor.js';
import { allocF32 } from '../wasm/arena.js';
import { core } from '../wasm/instance.js';

/** Sorted, de-duplicated, non-negative axes; `undefined` means every axis. */
export function normalizeAxes(axis: number | readonly number[] | undefined, shape: Shape, op: string): number[] {
  const ndim = shape.length;
  if (axis === undefined || axis === null) return shape.map((_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const out = list.map((a) => {
    if (!Number.isInteger(a) || a < -ndim || a >= ndim) {
      throw new RangeError(`${op}: axis ${a} is out of range for shape ${formatShape(shape)} (ndim ${ndim})`);
    }
    return a < 0 ? a + ndim : a;
  });
  return [...new Set(out)].sort((p, q) => p - q);
}

/** The shape after reducing `axes` with keepdims. */
export function keepDimsShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** numpy broadcasting of two shapes; throws naming the op and both shapes. */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const ndim = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < ndim; i++) {
    const da = a[a.length - ndim + i] ?? 1;
    const db = b[b.length - ndim + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together`,
      );
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** [outer, len, inner] around `axis`: how the one-axis kernels see an array. */
function around(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}

/**
 * dst (+)= the sum of src (of `shape`) over `axes` (keepdims). Axes are reduced one at a time,
 * last first, each in index order: a fixed summation order.
 */
export function sumAxesInto(src: number, shape: Shape, axes: readonly number[], dst: number, accumulate: boolean): void {
  reduceAxes('sum', src, shape, axes, dst, accumulate);
}

/** dst = the max of src over `axes` (keepdims). */
export function maxAxesInto(src: number, shape: Shape, axes: readonly number[], dst: number): void {
  reduceAxes('max', src, shape, axes, dst, false);
}

function reduceAxes(kind: 'sum' | 'max', src: number, shape: Shape, axes: readonly number[], dst: number, accumulate: boolean): void {
  const todo = axes.filter((a) => shape[a] !== 1).sort((p, q) => q - p);
  if (todo.length === 0) {
    core.copyInto(src, dst, sizeOf(shape), accumulate ? 1 : 0);
    return;
  }
  let cur = src;
  let curShape = [...shape];
  todo.forEach((axis, step) => {
    const last = step === todo.length - 1;
    const [outer, len, inner] = around(curShape, axis);
    const out = last ? dst : allocF32(outer * inner);
    if (kind === 'sum') core.sumAxis(cur, out, outer, len, inner, last && accumulate ? 1 : 0);
    else core.maxAxis(cur, out, outer, len, inner);
    cur = out;
    curShape[axis] = 1;
  });
}

/** dst (+)= src broadcast from `from` (same rank, 1 on broadcast axes) to `to`. */
export function broadcastInto(src: number, from: Shape, to: Shape, dst: number, accumulate: boolean): void {
  const todo = from.map((_, i) => i).filter((i) => from[i] !== to[i]);
  if (todo.length === 0) {
    core.copyInto(src, dst, sizeOf(to), accumulate ? 1 : 0);
    return;
  }
  let cur = src;
  const curShape = [...from];
  todo.forEach((axis, step) => {
    const last = step === todo.length - 1;
    const [outer, , inner] = around(curShape, axis);
    const len = to[axis];
    const out = last ? dst : allocF32(outer * len * inner);
    core.broadcastAxis(cur, out, outer, len, inner, last && accumulate ? 1 : 0);
    cur = out;
    curShape[axis] = len;
  });
}
