// The data a run trains on, and the order it sees it in: every epoch a fresh permutation of the
// training set, cut into batches in that order (the last, partial batch included), as the seed's
// data_stream. The permutation of epoch e is random.permutation(foldIn(dataKey, e), n), so any
// epoch's order can be recomputed from the key alone (a resumed run needs nothing else).
import type { Dataset } from '../datasets/dataset.js';
import * as np from '../np.js';
import * as random from '../random.js';
import type { Key } from '../random.js';
import type { Tensor } from '../tensor.js';

/** The data set with only its first `limit` training examples (all of them if null). */
export function firstExamples(data: Dataset, limit: number | null): Dataset {
  const n = data.trainImages.shape[0];
  if (limit !== null && limit > n) throw new RangeError(`limit ${limit} is more than the ${n} training examples`);
  if (limit === null || limit === n) return data;
  const rows = Array.from({ length: limit }, (_, r) => r);
  return { ...data, trainImages: np.take(data.trainImages, rows, 0), trainLabels: np.take(data.trainLabels, rows, 0) };
}

/** Batches per epoch: ⌈n / batchSize⌉ (the last one may be smaller). */
export function batchesPerEpoch(n: number, batchSize: number): number {
  return Math.ceil(n / batchSize);
}

/** The order of the training examples in epoch `epoch` (0-based). */
export function epochOrder(dataKey: Key, epoch: number, n: number): Int32Array {
  return random.permutation(random.foldIn(dataKey, epoch), n);
}

/** Batch `b` of an epoch: rows order[b·size, (b+1)·size) of images and labels. */
export function batchAt(
  images: Tensor,
  labels: Tensor,
  order: Int32Array,
  b: number,
  batchSize: number,
): [Tensor, Tensor] {
  const rows = order.subarray(b * batchSize, Math.min((b + 1) * batchSize, order.length));
  return [np.take(images, rows, 0), np.take(labels, rows, 0)];
}
