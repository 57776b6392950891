// Run files (runs/<name>.json): what a run was (its config), how it went (metrics per epoch, the
// loss of every batch) and where it ended (the SHA-256 of its final parameters). `verify`
// repeats the config and compares the hash.
import { readFileSync } from 'node:fs';
import { checkConfig, type TrainConfig } from '../training/config.js';
import { crc32 } from '../crc32.js';
import { writeFileAtomic } from './files.js';
import type { EpochMetrics, Trainer, TrainingState } from '../training/trainer.js';
import * as tree from '../tree.js';
import type { Tensor } from '../tensor.js';

export const RUN_FORMAT = 'adahessian-wasm/run@2';

export interface RunSummary {
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  secondsPerEpoch: number;
  stepsPerSecond: number;
}

export interface RunRecord {
  format: typeof RUN_FORMAT;
  name: string;
  config: TrainConfig;
  paramsSha256: string;
  /** datasetSha256 of the training and test data: verify refuses to rerun on other data. */
  dataSha256: string;
  parameterCount: number;
  steps: number;
  summary: RunSummary;
  initial: TrainingState['initial'];
  epochs: EpochMetrics[];
  batchLosses: number[];
  /** Informational: where it ran, and the checkpoint it was resumed from, if any. */
  environment: { node: string; platform: string; arch: string };
  resumedFrom?: string;
}

/** Median-free summary: the last epoch's metrics, mean seconds per epoch, steps per training second. */
export function summarize(epochs: readonly EpochMetrics[]): RunSummary {
  const last = epochs[epochs.length - 1];
  const seconds = epochs.reduce((t, e) => t + e.seconds, 0);
  const steps = epochs.reduce((n, e) => n + e.steps, 0);
  return {
    trainLoss: last.trainLoss,
    trainAccuracy: last.trainAccuracy,
    testLoss: last.testLoss,
    testAccuracy: last.testAccuracy,
    secondsPerEpoch: seconds / epochs.length,
    stepsPerSecond: steps / seconds,
  };
}

export async function recordOf(name: string, trainer: Trainer, dataSha256: string, resumedFrom?: string): Promise<RunRecord> {
  const s = trainer.state;
  const record: RunRecord = {
    format: RUN_FORMAT,
    name,
    config: trainer.config,
    paramsSha256: await trainer.paramsSha256(),
    dataSha256,
    parameterCount: (tree.leaves(trainer.params()) as Tensor[]).reduce((n, t) => n + t.data.length, 0),
    steps: s.step,
    summary: summarize(s.epochs),
    initial: s.initial,
    epochs: s.epochs,
    batchLosses: s.batchLosses,
    environment: { node: process.version, platform: process.platform, arch: process.arch },
  };
  if (resumedFrom) record.resumedFrom = resumedFrom;
  return record;
}

/** The CRC-32 (8 hex digits) of a record's JSON text without its crc32 field. */
function recordCrc32(record: object): string {
  return crc32(new TextEncoder().encode(JSON.stringify(record, null, 1))).toString(16).padStart(8, '0');
}

/** A run file's text: the record as JSON with a last field `crc32` over the rest, so damage is refused. */
export function runFileText(record: RunRecord): string {
  const { crc32: _, ...content } = record as RunRecord & { crc32?: string };
  return JSON.stringify({ ...content, crc32: recordCrc32(content) }, null, 1) + '\n';
}

export function writeRunRecord(path: string, record: RunRecord): void {
  writeFileAtomic(path, runFileText(record));
}

/** Reads a run file; throws an Error naming the file and what is wrong with it. */
export function readRunRecord(path: string): RunRecord {
  let record: any;
  try {
    record = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: cannot read a run file (${(e as Error).message})`);
  }
  if (record?.format !== RUN_FORMAT) {
    throw new Error(`${path}: not a run file (format ${JSON.stringify(record?.format)}, expected '${RUN_FORMAT}')`);
  }
  const { crc32: stored, ...content } = record;
  if (stored !== recordCrc32(content)) {
    throw new Error(`${path}: the run file was changed or damaged (its crc32 ${JSON.stringify(stored)} does not match its content)`);
  }
  if (typeof record.paramsSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(record.paramsSha256)) {
    throw new Error(`${path}: paramsSha256 must be 64 hex digits, got ${JSON.stringify(record.paramsSha256)}`);
  }
  if (typeof record.dataSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(record.dataSha256)) {
    throw new Error(`${path}: dataSha256 must be 64 hex digits, got ${JSON.stringify(record.dataSha256)}`);
  }
  record.config = checkConfig(record.config, `${path}: config`);
  return record as RunRecord;
}
