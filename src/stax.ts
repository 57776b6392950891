// `stax`, like jax.example_libraries.stax: a layer is a pair [initFun, applyFun];
// `serial(...layers)` composes them. initFun(key, inputShape) returns [outputShape, params];
// applyFun(params, inputs) computes the layer. Shapes use -1 for the batch dimension.
import type { Tensor } from './tensor.js';
import * as random from './random.js';
import * as np from './np.js';
import * as nn from './nn.js';
import { layer, type Layer } from './stax/layer.js';
import { glorotNormal, normalInit } from './stax/initializers.js';

export type { Params, InitFun, ApplyFun, Layer } from './stax/layer.js';
export { glorotNormal, normalInit, zeros, ones, type Initializer } from './stax/initializers.js';
export { BatchNorm, type BatchNormOptions } from './stax/batchnorm.js';
export { Conv } from './stax/conv.js';
export { MaxPool, AvgPool, SumPool } from './stax/pool.js';

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
