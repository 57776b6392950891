// The examples' models and metrics, as JAX's mnist_classifier (which the seed's examples extend):
// an MLP of Dense layers with ReLU between and log-softmax last, or a small CNN,
//   loss(params, batch)     = -mean(sum(preds * targets, 1))   (cross-entropy with one-hot targets)
//   accuracy(params, batch) = mean(argmax(preds) == argmax(targets))
import * as np from '../np.js';
import * as stax from '../stax.js';
import { layer as makeLayer } from '../stax/layer.js';
import { Tensor } from '../tensor.js';
import { runTogether } from '../ops/run.js';
import type { ModelName } from './config.js';

export type Batch = [images: Tensor, labels: Tensor];

/** stax.serial(Dense(h1), Relu, ..., Dense(classes), LogSoftmax). */
export function mlp(hidden: readonly number[], classes = 10): stax.Layer {
  const layers = hidden.flatMap((h) => [stax.Dense(h), stax.Relu]);
  return stax.serial(...layers, stax.Dense(classes), stax.LogSoftmax);
}

/**
 * The CNN of the examples (the PyTorch anchor's architecture): Conv 32 3×3 VALID → ReLU →
 * MaxPool 2×2/2 → Conv 64 3×3 VALID → ReLU → MaxPool 2×2/2 → Flatten → Dense(classes) →
 * LogSoftmax, on NHWC images [batch, 28, 28, 1].
 */
export function cnn(classes = 10): stax.Layer {
  return stax.serial(
    stax.Conv(32, [3, 3]), stax.Relu, stax.MaxPool([2, 2], [2, 2]),
    stax.Conv(64, [3, 3]), stax.Relu, stax.MaxPool([2, 2], [2, 2]),
    stax.Flatten, stax.Dense(classes), stax.LogSoftmax,
  );
}

/** `layer` on flat rows [batch, side²] of square one-channel images, seen as NHWC [batch, side, side, 1]. */
function onSquareImages(layer: stax.Layer, features: number): stax.Layer {
  const side = Math.round(Math.sqrt(features));
  if (side * side !== features) throw new RangeError(`the CNN needs square images, got rows of ${features} pixels`);
  const init: stax.InitFun = (key, [batch]) => layer.init(key, [batch, side, side, 1]);
  const apply: stax.ApplyFun = (params, x) => layer.apply(params, np.reshape(x, [x.shape[0], side, side, 1]));
  return makeLayer(init, apply);
}

/** A run's model on rows of `features` pixels with `classes` one-hot labels. */
export function modelFor(config: { model: ModelName; hidden?: readonly number[] }, features: number, classes: number): stax.Layer {
  return config.model === 'cnn' ? onSquareImages(cnn(classes), features) : mlp(config.hidden ?? [], classes);
}

/** The seed's loss for a model's applyFun. */
export function lossFor(apply: stax.ApplyFun) {
  return (params: unknown, [inputs, targets]: Batch): Tensor =>
    np.negative(np.mean(np.sum(np.multiply(apply(params, inputs), targets), 1)));
}

export interface Evaluation {
  loss: number;
  accuracy: number;
}

/**
 * Loss and accuracy over a whole data set, in chunks of `chunk` rows (so memory stays small), each
 * chunk's forward pass in wasm memory from end to end; the chunks' sums are added in float64.
 */
export function evaluate(apply: stax.ApplyFun, params: unknown, images: Tensor, labels: Tensor, chunk = 1000): Evaluation {
  const n = images.shape[0];
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < n; start += chunk) {
    const rows = Math.min(chunk, n - start);
    const x = sliceRows(images, start, rows);
    const y = sliceRows(labels, start, rows);
    const [chunkLoss, predicted, target] = runTogether(() => {
      const preds = apply(params, x);
      return [np.sum(np.multiply(preds, y)).item(), np.argmax(preds, 1).data, np.argmax(y, 1).data] as const;
    });
    lossSum -= chunkLoss;
    for (let i = 0; i < rows; i++) if (predicted[i] === target[i]) correct++;
  }
  return { loss: lossSum / n, accuracy: correct / n };
}

function sliceRows(t: Tensor, start: number, rows: number): Tensor {
  const width = t.shape[1];
  return new Tensor(t.data.subarray(start * width, (start + rows) * width), [rows, width]);
}
