// Checkpoint files: a run's config and TrainingState, from which the run continues bit for bit.
//
// Layout (version 2), in the frame of src/frame.ts (magic "AHWCKPT\n", a trailing CRC-32):
//   header    UTF-8 JSON { config, dataSha256, step, epoch, batch, probeKey, initial, epochs,
//             batchLosses, epochSeconds }
//   state     the optimizer state, as optimizers.serialize wrote it
// JSON keeps every float64 number exact (losses, times), and the optimizer bytes keep every float32.
// Loading checks the checksum first (any changed byte is refused), then every header field.
import { readFileSync } from 'node:fs';
import { newFrame, openFrame, sealFrame } from '../frame.js';
import { serialize, deserialize } from '../optimizers/index.js';
import { checkConfig, type TrainConfig } from '../training/config.js';
import type { EpochMetrics, TrainingState } from '../training/trainer.js';
import { writeFileAtomic } from './files.js';

const MAGIC = 'AHWCKPT\n';
const VERSION = 2;

export interface Checkpoint {
  config: TrainConfig;
  /** datasetSha256 of the data the run trains on: a resume on other data is refused. */
  dataSha256: string;
  state: TrainingState;
}

export function encodeCheckpoint({ config, dataSha256, state }: Checkpoint): Uint8Array {
  const { optState, probeKey, ...rest } = state;
  const opt = serialize(optState);
  const { bytes, body } = newFrame(MAGIC, VERSION, { config, dataSha256, ...rest, probeKey: Array.from(probeKey) }, opt.length);
  bytes.set(opt, body);
  return sealFrame(bytes);
}

const METRICS = ['trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy'] as const;

const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
const isFinite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** The checkpoint in `bytes`; `name` (the file) is in every error, with what is wrong. */
export function decodeCheckpoint(bytes: Uint8Array, name = 'checkpoint'): Checkpoint {
  const bad = (why: string): never => {
    throw new Error(`${name}: not a checkpoint of adahessian-wasm (${why})`);
  };
  const { header, headerEnd, end } = openFrame(bytes, MAGIC, VERSION, bad);
  let config: TrainConfig;
  try {
    config = checkConfig(header.config, `${name}: config`);
  } catch (e) {
    return bad((e as Error).message);
  }
  const optState = deserialize(bytes.subarray(headerEnd, end), name);
  if (optState.kind !== config.optimizer) bad(`its optimizer state is ${optState.kind}'s but its config says ${config.optimizer}`);
  const { step, epoch, batch, probeKey, initial, epochs, batchLosses, epochSeconds, dataSha256 } = header;
  if (!isCount(step) || step !== optState.step) bad(`step ${JSON.stringify(step)} but the optimizer state is at step ${optState.step}`);
  if (!isCount(epoch) || !isCount(batch)) bad(`epoch and batch must be integers ≥ 0, got ${JSON.stringify(epoch)} and ${JSON.stringify(batch)}`);
  if (!Array.isArray(probeKey) || probeKey.length !== 2 || !probeKey.every((w) => isCount(w) && w <= 0xffffffff)) {
    bad(`probeKey must be two integers in [0, 2^32), got ${JSON.stringify(probeKey)}`);
  }
  if (initial === null || typeof initial !== 'object' || !METRICS.every((m) => isFinite(initial[m]))) {
    bad(`initial must hold finite ${METRICS.join(', ')}, got ${JSON.stringify(initial)}`);
  }
  if (!Array.isArray(epochs) || epochs.length !== epoch) bad(`epochs must list the ${epoch} finished epochs, got ${JSON.stringify(epochs)?.slice(0, 80)}`);
  epochs.forEach((e: EpochMetrics, k: number) => {
    const fields = [...METRICS, 'seconds'] as const;
    if (e === null || typeof e !== 'object' || e.epoch !== k + 1 || !isCount(e.steps) || !fields.every((f) => isFinite(e[f]))) {
      bad(`epochs[${k}] must be the metrics of epoch ${k + 1}, got ${JSON.stringify(e)}`);
    }
  });
  if (!Array.isArray(batchLosses) || batchLosses.length !== step || !batchLosses.every(isFinite)) {
    bad(`batchLosses must be ${step} finite numbers (one per step)`);
  }
  if (!isFinite(epochSeconds) || epochSeconds < 0) bad(`epochSeconds must be a finite number ≥ 0, got ${JSON.stringify(epochSeconds)}`);
  if (typeof dataSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(dataSha256)) bad(`dataSha256 must be 64 hex digits, got ${JSON.stringify(dataSha256)}`);
  return {
    config,
    dataSha256,
    state: {
      step,
      epoch,
      batch,
      probeKey: Uint32Array.from(probeKey),
      optState,
      initial: Object.fromEntries(METRICS.map((m) => [m, initial[m]])) as TrainingState['initial'],
      epochs,
      batchLosses,
      epochSeconds,
    },
  };
}

/** Writes to a temporary file first, so an interrupted write never leaves a damaged checkpoint. */
export function writeCheckpoint(path: string, checkpoint: Checkpoint): void {
  writeFileAtomic(path, encodeCheckpoint(checkpoint));
}

export function readCheckpoint(path: string): Checkpoint {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new Error(`${path}: cannot read the checkpoint (${(e as Error).message})`);
  }
  return decodeCheckpoint(bytes, path);
}
