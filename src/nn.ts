// `nn`, like jax.nn: activations, the (log-)softmax family, dense layers, 2-D convolution and
// pooling. logSoftmax, softmax and logsumexp
// are compositions of np ops, as in JAX (with the max shift under stopGradient), so their exact
// second derivatives come from the primitives' rules.
import type { Tensor } from './tensor.js';
import { lift, type Tracer } from './autodiff/trace.js';
import { run } from './ops/run.js';
import * as unary from './ops/unary.js';
import * as linear from './ops/linear.js';
import * as binary from './ops/binary.js';
import { max } from './ops/max.js';
import { dense as denseOp } from './ops/matmul.js';
import { conv2d as convOp } from './ops/conv.js';
import * as pool from './ops/pool.js';
import type { WindowOptions } from './ops/window.js';
import type { ArrayOrScalar } from './np.js';

type Axis = number | readonly number[];

export const relu = (x: ArrayOrScalar): Tensor => run(() => unary.relu(lift(x, 'relu')));
export const sigmoid = (x: ArrayOrScalar): Tensor => run(() => unary.sigmoid(lift(x, 'sigmoid')));
export const softplus = (x: ArrayOrScalar): Tensor => run(() => unary.softplus(lift(x, 'softplus')));
/** GELU with JAX's default tanh approximation. */
export const gelu = (x: ArrayOrScalar): Tensor => run(() => unary.gelu(lift(x, 'gelu')));

/** x - max(x) with the max held constant: the usual overflow guard, invisible to derivatives. */
function shifted(x: Tracer, axis: Axis): Tracer {
  return binary.subtract(x, linear.stopGradient(max(x, axis, true)));
}

export const logSoftmax = (x: Tensor, axis: Axis = -1): Tensor =>
  run(() => {
    const s = shifted(lift(x, 'logSoftmax'), axis);
    return binary.subtract(s, unary.log(linear.sum(unary.exp(s), axis, true)));
  });

export const softmax = (x: Tensor, axis: Axis = -1): Tensor =>
  run(() => {
    const e = unary.exp(shifted(lift(x, 'softmax'), axis));
    return binary.divide(e, linear.sum(e, axis, true));
  });

export const logsumexp = (x: Tensor, axis?: Axis, keepdims = false): Tensor =>
  run(() => {
    const v = lift(x, 'logsumexp');
    const axes = axis ?? v.shape.map((_, i) => i);
    const m = linear.stopGradient(max(v, axes, true));
    const out = binary.add(unary.log(linear.sum(unary.exp(binary.subtract(v, m)), axes, true)), m);
    if (keepdims) return out;
    const dropped = typeof axes === 'number' ? [axes] : axes;
    const nd = v.shape.length;
    const drop = dropped.map((a) => (a < 0 ? a + nd : a));
    return linear.reshape(out, v.shape.filter((_, i) => !drop.includes(i)));
  });

/**
 * jax.nn.standardize: (x - mean) / sqrt(variance + epsilon) over `axis`, with JAX's variance
 * mean(x²) - mean(x)². A composition of np ops, so its exact first and second derivatives (the
 * ones stax.BatchNorm needs) come from the primitives' rules.
 */
export const standardize = (x: Tensor, axis: Axis = -1, epsilon = 1e-5): Tensor =>
  run(() => {
    const v = lift(x, 'standardize');
    const mean = linear.mean(v, axis, true);
    const variance = binary.subtract(linear.mean(unary.square(v), axis, true), unary.square(mean));
    return binary.divide(binary.subtract(v, mean), unary.sqrt(binary.add(variance, lift(epsilon, 'standardize'))));
  });

/** A dense layer y = x·w + b in one fused kernel (what stax.Dense uses). */
export const dense = (x: Tensor, w: Tensor, b?: Tensor): Tensor =>
  run(() => denseOp(lift(x, 'dense'), lift(w, 'dense'), b === undefined ? null : lift(b, 'dense')));

export type { Padding, WindowOptions } from './ops/window.js';

/**
 * 2-D convolution as JAX's lax.conv_general_dilated(x, kernel, strides, padding) with dimension
 * numbers ('NHWC', 'HWIO', 'NHWC'): x [batch, height, width, in], kernel [kH, kW, in, out],
 * result [batch, outH, outW, out]. `strides` (default [1, 1]) and `padding` ('VALID' default,
 * 'SAME' or [[top, bottom], [left, right]]).
 */
export const conv2d = (x: Tensor, kernel: Tensor, options?: WindowOptions): Tensor =>
  run(() => convOp(lift(x, 'conv2d'), lift(kernel, 'conv2d'), options));

/** Window shape [height, width] (or one number for both) of a pooling. */
export type PoolWindow = number | readonly [number, number];

/** Max pooling over NHWC windows (stax's MaxPool); derivatives go to each window's first maximum. */
export const maxPool = (x: Tensor, window: PoolWindow, options?: WindowOptions): Tensor =>
  run(() => pool.maxPool(lift(x, 'maxPool'), window, options));

/** Average pooling: each window's sum divided by its count of non-padding elements (stax's AvgPool). */
export const avgPool = (x: Tensor, window: PoolWindow, options?: WindowOptions): Tensor =>
  run(() => pool.avgPool(lift(x, 'avgPool'), window, options));

/** Sum pooling over NHWC windows (stax's SumPool). */
export const sumPool = (x: Tensor, window: PoolWindow, options?: WindowOptions): Tensor =>
  run(() => pool.sumPool(lift(x, 'sumPool'), window, options));
