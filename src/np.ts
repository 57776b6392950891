// `np`, like jax.numpy: array ops computed in wasm. Outside a transform they return Tensors;
// inside grad/hvp/... they return traced values (still Tensors to the type checker) with exact first
// and second derivatives. Binary ops broadcast numpy-style and accept plain numbers.
import { Tensor, describe } from './tensor.js';
import { lift, Tracer } from './autodiff/trace.js';
import { run } from './ops/run.js';
import * as binary from './ops/binary.js';
import * as unary from './ops/unary.js';
import * as linear from './ops/linear.js';
import * as takeOps from './ops/take.js';
import * as maxOps from './ops/max.js';
import { matmul as matmulOp } from './ops/matmul.js';

export type ArrayOrScalar = Tensor | number;
type Axis = number | readonly number[];

export const add = (a: ArrayOrScalar, b: ArrayOrScalar): Tensor => run(() => binary.add(lift(a, 'add'), lift(b, 'add')));
export const subtract = (a: ArrayOrScalar, b: ArrayOrScalar): Tensor =>
  run(() => binary.subtract(lift(a, 'subtract'), lift(b, 'subtract')));
export const multiply = (a: ArrayOrScalar, b: ArrayOrScalar): Tensor =>
  run(() => binary.multiply(lift(a, 'multiply'), lift(b, 'multiply')));
export const divide = (a: ArrayOrScalar, b: ArrayOrScalar): Tensor =>
  run(() => binary.divide(lift(a, 'divide'), lift(b, 'divide')));

export const negative = (x: ArrayOrScalar): Tensor => run(() => linear.negative(lift(x, 'negative')));
export const square = (x: ArrayOrScalar): Tensor => run(() => unary.square(lift(x, 'square')));
export const sqrt = (x: ArrayOrScalar): Tensor => run(() => unary.sqrt(lift(x, 'sqrt')));
export const exp = (x: ArrayOrScalar): Tensor => run(() => unary.exp(lift(x, 'exp')));
export const log = (x: ArrayOrScalar): Tensor => run(() => unary.log(lift(x, 'log')));
export const tanh = (x: ArrayOrScalar): Tensor => run(() => unary.tanh(lift(x, 'tanh')));

/** Matrix product of 1-D or 2-D arrays (numpy semantics for those ranks). */
export const matmul = (a: Tensor, b: Tensor): Tensor => run(() => matmulOp(lift(a, 'matmul'), lift(b, 'matmul'), 'matmul'));
/** numpy dot for 1-D and 2-D arrays (equal to matmul for those ranks). */
export const dot = (a: Tensor, b: Tensor): Tensor => run(() => matmulOp(lift(a, 'dot'), lift(b, 'dot'), 'dot'));

export const sum = (x: ArrayOrScalar, axis?: Axis, keepdims = false): Tensor =>
  run(() => linear.sum(lift(x, 'sum'), axis, keepdims));
export const mean = (x: ArrayOrScalar, axis?: Axis, keepdims = false): Tensor =>
  run(() => linear.mean(lift(x, 'mean'), axis, keepdims));
export const max = (x: ArrayOrScalar, axis?: Axis, keepdims = false): Tensor =>
  run(() => maxOps.max(lift(x, 'max'), axis, keepdims));
/** Index of the first maximum (over the flattened array if no axis), as float32 values. */
export const argmax = (x: Tensor, axis?: number): Tensor => run(() => maxOps.argmax(lift(x, 'argmax'), axis));

export const reshape = (x: Tensor, shape: readonly number[]): Tensor => run(() => linear.reshape(lift(x, 'reshape'), shape));
export const transpose = (x: Tensor, axes?: readonly number[]): Tensor =>
  run(() => linear.transpose(lift(x, 'transpose'), axes));
/**
 * numpy take: entries of `x` at `indices` along `axis` (of the flattened array if no axis), e.g.
 * a batch's rows: take(images, order, 0). `indices` is a list of integers or a Tensor of them.
 */
export function take(x: Tensor, indices: ArrayLike<number> | Tensor, axis?: number): Tensor {
  const [values, shape] = indices instanceof Tensor ? [indices.data, indices.shape] : [indices, [indices.length]];
  if (!(x instanceof Tensor)) throw new TypeError(`take: x must be a Tensor, got ${describe(x)}`);
  // A plain tensor (data, a constant) does not depend on any argument: its rows are copied in JS.
  if (!(x instanceof Tracer)) return takeOps.takeEager(x, values, shape, axis);
  return run(() => takeOps.take(lift(x, 'take'), values, shape, axis));
}
export const broadcastTo = (x: ArrayOrScalar, shape: readonly number[]): Tensor =>
  run(() => linear.broadcastTo(lift(x, 'broadcastTo'), shape));
