// The control block the calling thread and the pool's workers share: a SharedArrayBuffer apart from
// the wasm memory (so growing that memory never moves it), read through Atomics. One generation
// counter wakes the workers, one pending counter wakes the caller; each worker has a slot saying
// whether it takes part in the current generation, which kernel it runs with which arguments, and
// what it returned or threw.

/** Threads a pool can have, the calling thread included. */
export const MAX_THREADS = 64;
export const MAX_WORKERS = MAX_THREADS - 1;
/** Arguments of one kernel call (matmulBlock has 13). */
export const MAX_ARGS = 16;
/** UTF-16 code units of a worker's error message kept (longer messages are cut). */
export const ERROR_CHARS = 1024;

// Int32 indices of the header
export const GEN = 0;
export const PENDING = 1;
// Int32 fields of a worker's slot, at SLOTS + worker * SLOT_INTS
export const SLOTS = 4;
export const SLOT_INTS = 8;
export const STATE = 0;
export const ACTIVE = 1;
export const FN = 2;
export const NARGS = 3;
export const ERROR_LENGTH = 4;
// worker states
export const STARTING = 0;
export const READY = 1;
export const FAILED = 2;

const INT_BYTES = (SLOTS + MAX_WORKERS * SLOT_INTS) * 4;
/** Byte offset of the Float64 arguments: MAX_ARGS per worker. */
export const ARGS_OFFSET = Math.ceil(INT_BYTES / 8) * 8;
/** Byte offset of the Float64 results: one per worker. */
export const RESULTS_OFFSET = ARGS_OFFSET + MAX_WORKERS * MAX_ARGS * 8;
/** Byte offset of the Uint16 error messages: ERROR_CHARS per worker. */
export const ERRORS_OFFSET = RESULTS_OFFSET + MAX_WORKERS * 8;
export const CONTROL_BYTES = ERRORS_OFFSET + MAX_WORKERS * ERROR_CHARS * 2;

/** Typed views of one control block. */
export interface ControlViews {
  ints: Int32Array;
  args: Float64Array;
  results: Float64Array;
  errors: Uint16Array;
}

export function controlViews(buffer: SharedArrayBuffer): ControlViews {
  return {
    ints: new Int32Array(buffer, 0, SLOTS + MAX_WORKERS * SLOT_INTS),
    args: new Float64Array(buffer, ARGS_OFFSET, MAX_WORKERS * MAX_ARGS),
    results: new Float64Array(buffer, RESULTS_OFFSET, MAX_WORKERS),
    errors: new Uint16Array(buffer, ERRORS_OFFSET, MAX_WORKERS * ERROR_CHARS),
  };
}

/** Int32 index of `field` in worker w's slot. */
export function slot(w: number, field: number): number {
  return SLOTS + w * SLOT_INTS + field;
}
