// Checkpoint files: a run's config and TrainingState, from which the run continues bit for bit.
//
// Layout (version 1):
//   8 bytes   "AHWCKPT\n"
//   u32 LE    format version
//   u32 LE    header length in bytes
//   header    UTF-8 JSON { config, step, epoch, batch, probeKey, initial, epochs, batchLosses, epochSeconds }
//   rest      the optimizer state, as optimizers.serialize wrote it
// JSON keeps every float64 number exact (losses, times), and the optimizer bytes keep every float32.
import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { serialize, deserialize } from '../optimizers/index.js';
import { checkConfig, type TrainConfig } from '../training/config.js';
import type { TrainingState } from '../training/trainer.js';

const MAGIC = 'AHWCKPT\n';
const VERSION = 1;
const PREFIX = MAGIC.length + 8;

export interface Checkpoint {
  config: TrainConfig;
  state: TrainingState;
}

export function encodeCheckpoint({ config, state }: Checkpoint): Uint8Array {
  const { optState, probeKey, ...rest } = state;
  const header = new TextEncoder().encode(JSON.stringify({ config, ...rest, probeKey: Array.from(probeKey) }));
  const opt = serialize(optState);
  const bytes = new Uint8Array(PREFIX + header.length + opt.length);
  for (let c = 0; c < MAGIC.length; c++) bytes[c] = MAGIC.charCodeAt(c);
  const view = new DataView(bytes.buffer);
  view.setUint32(MAGIC.length, VERSION, true);
  view.setUint32(MAGIC.length + 4, header.length, true);
  bytes.set(header, PREFIX);
  bytes.set(opt, PREFIX + header.length);
  return bytes;
}

export function decodeCheckpoint(bytes: Uint8Array, name = 'checkpoint'): Checkpoint {
  const bad = (why: string): never => {
    throw new Error(`${name}: not a checkpoint of adahessian-wasm (${why})`);
  };
  if (bytes.length < PREFIX) bad(`only ${bytes.length} bytes`);
  for (let c = 0; c < MAGIC.length; c++) if (bytes[c] !== MAGIC.charCodeAt(c)) bad('wrong magic bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(MAGIC.length, true);
  if (version !== VERSION) bad(`format version ${version}, this version reads ${VERSION}`);
  const headerLength = view.getUint32(MAGIC.length + 4, true);
  if (PREFIX + headerLength > bytes.length) bad('truncated header');
  let header: any;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX, PREFIX + headerLength)));
  } catch {
    return bad('unreadable header');
  }
  const config = checkConfig(header.config, `${name}: config`);
  const optState = deserialize(bytes.subarray(PREFIX + headerLength), name);
  const { step, epoch, batch, probeKey, initial, epochs, batchLosses, epochSeconds } = header;
  if (!Number.isSafeInteger(step) || step !== optState.step) bad(`step ${step} but the optimizer state is at step ${optState.step}`);
  if (!Number.isSafeInteger(epoch) || !Number.isSafeInteger(batch)) bad('bad epoch or batch');
  if (!Array.isArray(probeKey) || probeKey.length !== 2) bad('bad probe key');
  if (!Array.isArray(epochs) || !Array.isArray(batchLosses) || batchLosses.length !== step) bad('bad metrics');
  return {
    config,
    state: {
      step,
      epoch,
      batch,
      probeKey: Uint32Array.from(probeKey),
      optState,
      initial,
      epochs,
      batchLosses,
      epochSeconds,
    },
  };
}

/** Writes to a temporary file first, so an interrupted write never leaves a damaged checkpoint. */
export function writeCheckpoint(path: string, checkpoint: Checkpoint): void {
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  writeFileSync(partial, encodeCheckpoint(checkpoint));
  renameSync(partial, path);
}

export function readCheckpoint(path: string): Checkpoint {
  return decodeCheckpoint(new Uint8Array(readFileSync(path)), path);
}
