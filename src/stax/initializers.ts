// stax's parameter initializers, as jax.nn.initializers: (key, shape) => Tensor.
import { Tensor, zeros as zerosTensor, sizeOf } from '../tensor.js';
import * as random from '../random.js';
import type { Key } from '../random.js';
import * as np from '../np.js';

export type Initializer = (key: Key, shape: readonly number[]) => Tensor;

/** Standard deviation of a standard normal truncated to (-2, 2): JAX's glorot_normal divides by it. */
export const TRUNCATED_STDDEV = 0.87962566103423978;

/**
 * JAX's glorot_normal(in_axis, out_axis): truncated normal on (-2, 2) scaled to variance
 * 2 / (fan_in + fan_out). Every other axis is the receptive field (a conv kernel's window) and
 * multiplies both fans: fan_in = shape[in_axis] · field, fan_out = shape[out_axis] · field.
 *
 * The scale is rounded as JAX rounds it, so the weights are JAX's bit for bit: the fans are
 * float64 (Python floats), the variance becomes a float32 array, then sqrt(variance) /
 * float32(TRUNCATED_STDDEV) and the product with the truncated normal are float32 operations.
 * (Square root and division are correctly rounded in IEEE 754, so Math.fround of the float64
 * result of float32 operands is the float32 result, in every engine.)
 */
export function glorotNormal(key: Key, shape: readonly number[], inAxis = -2, outAxis = -1): Tensor {
  const at = (axis: number) => shape[axis < 0 ? axis + shape.length : axis];
  const field = shape.reduce((p, d) => p * d, 1) / at(inAxis) / at(outAxis);
  const [fanIn, fanOut] = [at(inAxis) * field, at(outAxis) * field];
  const variance = Math.fround(1 / ((fanIn + fanOut) / 2));
  const stddev = Math.fround(Math.fround(Math.sqrt(variance)) / Math.fround(TRUNCATED_STDDEV));
  return np.multiply(random.truncatedNormal(key, -2, 2, shape), stddev);
}

/** JAX's normal(stddev): a normal with this stddev (1e-2 by default, stax's Dense bias). */
export function normalInit(key: Key, shape: readonly number[], stddev = 1e-2): Tensor {
  return np.multiply(random.normal(key, shape), stddev);
}

/** JAX's zeros and ones (BatchNorm's beta and gamma); the key is unused. */
export const zeros: Initializer = (_key, shape) => zerosTensor(shape);
export const ones: Initializer = (_key, shape) => new Tensor(new Float32Array(sizeOf(shape)).fill(1), shape);
