// stax's pooling layers on NHWC inputs: MaxPool, AvgPool (divides by the count of non-padding
// elements in each window), SumPool. As JAX's stax, strides default to 1 (not to the window).
import type { Tensor } from '../tensor.js';
import * as nn from '../nn.js';
import { checkNHWC, outputShape, positivePair, windowGeometry, type Padding, type WindowOptions } from '../ops/window.js';
import { layer, type Layer } from './layer.js';

type Pool = (x: Tensor, window: readonly [number, number], options: WindowOptions) => Tensor;

function poolingLayer(name: string, pool: Pool) {
  return (window: readonly [number, number], strides: readonly [number, number] = [1, 1], padding: Padding = 'VALID'): Layer => {
    const pair = positivePair(window, 'window', name);
    const options = { strides, padding };
    return layer(
      (_key, inputShape) => {
        checkNHWC(inputShape, name, 'input shape');
        const geometry = windowGeometry(name, inputShape, pair, inputShape[3], options);
        return [outputShape(geometry), []];
      },
      (_params, x) => pool(x, pair, options),
    );
  };
}

export const MaxPool = poolingLayer('MaxPool', nn.maxPool);
export const AvgPool = poolingLayer('AvgPool', nn.avgPool);
export const SumPool = poolingLayer('SumPool', nn.sumPool);
