// The examples' model and metrics, as JAX's mnist_classifier (which the seed's examples extend):
// an MLP of Dense layers with ReLU between and log-softmax last,
//   loss(params, batch)     = -mean(sum(preds * targets, 1))   (cross-entropy with one-hot targets)
//   accuracy(params, batch) = mean(argmax(preds) == argmax(targets))
import * as np from '../np.js';
import * as stax from '../stax.js';
import { Tensor } from '../tensor.js';

export type Batch = [images: Tensor, labels: Tensor];

/** stax.serial(Dense(h1), Relu, ..., Dense(classes), LogSoftmax). */
export function mlp(hidden: readonly number[], classes = 10): stax.Layer {
  const layers = hidden.flatMap((h) => [stax.Dense(h), stax.Relu]);
  return stax.serial(...layers, stax.Dense(classes), stax.LogSoftmax);
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
 * Loss and accuracy over a whole data set, in chunks of `chunk` rows (so memory stays small);
 * the chunks' sums are added in float64.
 */
export function evaluate(apply: stax.ApplyFun, params: unknown, images: Tensor, labels: Tensor, chunk = 1000): Evaluation {
  const n = images.shape[0];
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < n; start += chunk) {
    const rows = Math.min(chunk, n - start);
    const x = sliceRows(images, start, rows);
    const y = sliceRows(labels, start, rows);
    const preds = apply(params, x);
    lossSum -= np.sum(np.multiply(preds, y)).item();
    const predicted = np.argmax(preds, 1).data;
    const target = np.argmax(y, 1).data;
    for (let i = 0; i < rows; i++) if (predicted[i] === target[i]) correct++;
  }
  return { loss: lossSum / n, accuracy: correct / n };
}

function sliceRows(t: Tensor, start: number, rows: number): Tensor {
  const width = t.shape[1];
  return new Tensor(t.data.subarray(start * width, (start + rows) * width), [rows, width]);
}
