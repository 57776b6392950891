// The data a run trains on, and the order it sees it in: every epoch a fresh permutation of the
// training set, cut into batches in that order (the last, partial batch included), as the seed's
// data_stream. The permutation of epoch e is random.permutation(foldIn(dataKey, e), n), so any
// epoch's order can be recomputed from the key alone (a resumed run needs nothing else).
import { mnist, loadIdx, type Dataset } from '../datasets/index.js';
import * as random from '../random.js';
import type { Key } from '../random.js';
import { Tensor } from '../tensor.js';
import { DATA_SPECS, isDataSpec } from './config.js';

/** Loads `spec` ('mnist' or 'idx:<dir>'), keeping the first `limit` training examples if given. */
export function loadData(spec: string, limit: number | null): Dataset {
  if (!isDataSpec(spec)) throw new RangeError(`data must be ${DATA_SPECS}, got '${spec}'`);
  const full = spec === 'mnist' ? mnist() : loadIdx(spec.slice('idx:'.length));
  const n = full.trainImages.shape[0];
  if (limit === null || limit >= n) return full;
  return {
    ...full,
    trainImages: firstRows(full.trainImages, limit),
    trainLabels: firstRows(full.trainLabels, limit),
  };
}

function firstRows(t: Tensor, rows: number): Tensor {
  const width = t.shape[1];
  return new Tensor(t.data.slice(0, rows * width), [rows, width]);
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
  return [gatherRows(images, rows), gatherRows(labels, rows)];
}

function gatherRows(t: Tensor, rows: Int32Array): Tensor {
  const width = t.shape[1];
  const out = new Float32Array(rows.length * width);
  rows.forEach((r, i) => out.set(t.data.subarray(r * width, (r + 1) * width), i * width));
  return new Tensor(out, [rows.length, width]);
}
