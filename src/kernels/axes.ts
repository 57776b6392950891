// Multi-axis reductions and broadcasts over arena addresses (untraced), built from the one-axis
// kernels in assembly/ops/reduce.ts: what the ops' rules and the optimizers' averaging call.
import { sizeOf, type Shape } from '../tensor.js';
import { allocF32 } from '../wasm/arena.js';
import { core } from '../wasm/instance.js';

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
    core.copyInto(src, dst, sizeOf(shape), accumulate);
    return;
  }
  let cur = src;
  let curShape = [...shape];
  todo.forEach((axis, step) => {
    const last = step === todo.length - 1;
    const [outer, len, inner] = around(curShape, axis);
    const out = last ? dst : allocF32(outer * inner);
    if (kind === 'sum') core.sumAxis(cur, out, outer, len, inner, last && accumulate);
    else core.maxAxis(cur, out, outer, len, inner);
    cur = out;
    curShape[axis] = 1;
  });
}

/** dst (+)= src broadcast from `from` (same rank, 1 on broadcast axes) to `to`. */
export function broadcastInto(src: number, from: Shape, to: Shape, dst: number, accumulate: boolean): void {
  const todo = from.map((_, i) => i).filter((i) => from[i] !== to[i]);
  if (todo.length === 0) {
    core.copyInto(src, dst, sizeOf(to), accumulate);
    return;
  }
  let cur = src;
  const curShape = [...from];
  todo.forEach((axis, step) => {
    const last = step === todo.length - 1;
    const [outer, , inner] = around(curShape, axis);
    const len = to[axis];
    const out = last ? dst : allocF32(outer * len * inner);
    core.broadcastAxis(cur, out, outer, len, inner, last && accumulate);
    cur = out;
    curShape[axis] = len;
  });
}
