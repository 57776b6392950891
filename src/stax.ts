// `stax`, like jax.example_libraries.stax: a layer is a pair [initFun, applyFun];
// `serial(...layers)` composes them. initFun(key, inputShape) returns [outputShape, params];
// applyFun(params, inputs) computes the layer. Shapes use -1 for the batch dimension.
import type { Tensor } from './tensor.js';
import * as random from './random.js';
import type { Key } from './random.js';
import * as np from './np.js';
import * as nn from './nn.js';

export type Params = Tensor[] | Params[];
export type InitFun = (key: Key, inputShape: readonly number[]) => [number[], any];
export type ApplyFun = (params: any, inputs: Tensor) => Tensor;
export type Layer = [InitFun, ApplyFun] & { init: InitFun; apply: ApplyFun };

function layer(init: InitFun, apply: ApplyFun): Layer {
  return Object.assign([init, apply] as [InitFun, ApplyFun], { init, apply });
}

/** Standard deviation of a standard normal truncated to (-2, 2): JAX's glorot_normal divides by it. */
const TRUNCATED_STDDEV = 0.87962566103423978;

/** JAX's glorot_normal: truncated normal on (-2, 2) scaled to variance 2 / (fan_in + fan_out). */
export function glorotNormal(key: Key, shape: readonly number[]): Tensor {
  const [fanIn, fanOut] = [shape[shape.length - 2], shape[shape.length - 1]];
  const stddev = Math.sqrt(1 / ((fanIn + fanOut) / 2)) / TRUNCATED_STDDEV;
  return np.multiply(random.truncatedNormal(key, -2, 2, shape), stddev);
}

/** JAX stax's default bias init: normal with stddev 1e-2. */
export function normalInit(key: Key, shape: readonly number[], stddev = 1e-2): Tensor {
  return np.multiply(random.normal(key, shape), stddev);
}

/** A dense layer: W [in, out] (glorot normal), b [out] (normal, stddev 1e-2); y = x·W + b. */
export function Dense(outDim: number): Layer {
  if (!Number.isInteger(outDim) || outDim < 1) {
    throw new RangeError(`Dense: output size must be a positive integer, got ${outDim}`);
  }
  return layer(
    (key, inputShape) => {
      const [k1, k2] = random.split(key);
      const inDim = inputShape[inputShape.length - 1];
      return [[...inputShape.slice(0, -1), outDim], [glorotNormal(k1, [inDim, outDim]), normalInit(k2, [outDim])]];
    },
    ([w, b], x) => nn.dense(x, w, b),
  );
}

/** An elementwise layer with no parameters. */
function elementwise(f: (x: Tensor) => Tensor): Layer {
  return layer((_key, inputShape) => [[...inputShape], []], (_params, x) => f(x));
}

export const Relu = elementwise(nn.relu);
export const Tanh = elementwise(np.tanh);
export const Sigmoid = elementwise(nn.sigmoid);
export const Softplus = elementwise(nn.softplus);
export const Gelu = elementwise(nn.gelu);
export const LogSoftmax = elementwise((x) => nn.logSoftmax(x, -1));
export const Softmax = elementwise((x) => nn.softmax(x, -1));

/** Flattens every axis after the batch axis. */
export const Flatten = layer(
  (_key, inputShape) => [[inputShape[0], inputShape.slice(1).reduce((a, b) => a * b, 1)], []],
  (_params, x) => np.reshape(x, [x.shape[0], -1]),
);

/** Composes layers; params are a list with one entry per layer (empty for parameterless ones). */
export function serial(...layers: Layer[]): Layer {
  return layer(
    (key, inputShape) => {
      // As JAX's stax.serial: `rng, layer_rng = random.split(rng)` before each layer.
      let rng = key;
      const params: any[] = [];
      let shape = [...inputShape];
      for (const [init] of layers) {
        const [next, layerKey] = random.split(rng);
        rng = next;
        const [out, p] = init(layerKey, shape);
        params.push(p);
        shape = out;
      }
      return [shape, params];
    },
    (params, x) => {
      if (!Array.isArray(params) || params.length !== layers.length) {
        throw new TypeError(`serial: expected params for ${layers.length} layers, got ${Array.isArray(params) ? params.length : typeof params}`);
      }
      return layers.reduce((h, [, apply], i) => apply(params[i], h), x);
    },
  );
}
