// The shape every loader in this folder returns, and the one-hot encoding of class labels.
import { Tensor } from '../tensor.js';

/** Images `[n, pixels]` scaled to [0, 1] and one-hot labels `[n, classes]`, float32. */
export interface Dataset {
  trainImages: Tensor;
  trainLabels: Tensor;
  testImages: Tensor;
  testLabels: Tensor;
}

/** `[labels.length, classes]` with a 1 in column `labels[i]` of row `i`. Labels must be in range. */
export function oneHot(labels: ArrayLike<number>, classes: number): Tensor {
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new RangeError(`oneHot: label ${label} at index ${i} is outside 0..${classes - 1}`);
    }
    out[i * classes + label] = 1;
  }
  return new Tensor(out, [labels.length, classes]);
}
