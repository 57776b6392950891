// stax.BatchNorm: standardize over `axis` (the batch statistics of this call; stax keeps no
// running averages), then gamma · z + beta. nn.standardize composes np ops, so the layer's exact
// second derivatives come from the primitives' rules.
import type { Tensor } from '../tensor.js';
import { describe, formatShape } from '../tensor.js';
import { knownKeys } from '../options.js';
import * as random from '../random.js';
import * as np from '../np.js';
import * as nn from '../nn.js';
import { layer, type Layer } from './layer.js';
import { ones, zeros, type Initializer } from './initializers.js';

export interface BatchNormOptions {
  /** The axes the statistics are taken over. Default [0, 1, 2] (NHWC: per channel). */
  axis?: number | readonly number[];
  /** Added to the variance. Default 1e-5. */
  epsilon?: number;
  /** Add a learned offset beta. Default true. */
  center?: boolean;
  /** Multiply by a learned scale gamma. Default true. */
  scale?: boolean;
  betaInit?: Initializer;
  gammaInit?: Initializer;
}

/**
 * JAX stax's BatchNorm(axis=(0, 1, 2), epsilon=1e-5, center=True, scale=True, beta_init=zeros,
 * gamma_init=ones). Params [beta, gamma], each of the input's shape without the `axis` axes;
 * a disabled one is [] (JAX's ()).
 */
export function BatchNorm(options: BatchNormOptions = {}): Layer {
  knownKeys('BatchNorm', options, ['axis', 'epsilon', 'center', 'scale', 'betaInit', 'gammaInit']);
  const { axis = [0, 1, 2], epsilon = 1e-5, center = true, scale = true, betaInit = zeros, gammaInit = ones } = options;
  const axes = typeof axis === 'number' ? [axis] : [...axis];
  if (axes.length === 0 || !axes.every((a) => Number.isSafeInteger(a))) {
    throw new RangeError(`BatchNorm: axis must be an integer or a non-empty list of integers, got ${describe(axis)}`);
  }
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0) {
    throw new RangeError(`BatchNorm: epsilon must be a finite number ≥ 0, got ${typeof epsilon === 'number' ? epsilon : describe(epsilon)}`);
  }
  /** The axes in [0, ndim), checked against the input's rank. */
  const normalized = (ndim: number, shape: readonly number[]): number[] => {
    const out = axes.map((a) => (a < 0 ? a + ndim : a));
    if (out.some((a) => a < 0 || a >= ndim) || new Set(out).size !== out.length) {
      throw new RangeError(`BatchNorm: axis [${axes.join(', ')}] does not fit an input of shape ${formatShape(shape)}`);
    }
    return out;
  };
  return layer(
    (key, inputShape) => {
      const reduced = normalized(inputShape.length, inputShape);
      const shape = inputShape.filter((_, i) => !reduced.includes(i));
      if (shape.some((d) => d < 0)) {
        throw new RangeError(`BatchNorm: the parameters' shape ${formatShape(shape)} needs the batch axis among axis [${axes.join(', ')}]`);
      }
      const [k1, k2] = random.split(key);
      return [[...inputShape], [center ? betaInit(k1, shape) : [], scale ? gammaInit(k2, shape) : []]];
    },
    ([beta, gamma], x: Tensor) => {
      const reduced = normalized(x.shape.length, x.shape);
      // beta and gamma broadcast with size-1 axes where the statistics were taken (JAX's gamma[ed]).
      const kept = x.shape.map((d, i) => (reduced.includes(i) ? 1 : d));
      let z = nn.standardize(x, reduced, epsilon);
      if (scale) z = np.multiply(z, np.reshape(gamma, kept));
      if (center) z = np.add(z, np.reshape(beta, kept));
      return z;
    },
  );
}
