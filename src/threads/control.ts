// The control block the calling thread and the pool's workers share: a SharedArrayBuffer apart from
// the wasm memory (so growing that memory never moves it), read through Atomics. A kernel call
// split into parts is posted as one generation: part 0 is the caller's, parts 1.. sit in slots
// (part p in slot p - 1: which kernel, its arguments, then what it returned or threw) and are
// claimed one at a time by whichever thread comes first, workers or the caller once its own part
// is done. So no part waits for a particular worker to wake: a worker that is asleep, slow to
// wake, or descheduled by a busy machine leaves its part to the caller. One generation counter
// wakes the workers, one pending counter (the slotted parts not finished) wakes the caller.

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
/** The next part to claim, tagged with its generation: (generation & TAG_MASK) << 8 | part. */
export const NEXT = 2;
/** Parts in the current generation, part 0 included. */
export const COUNT = 3;
export const TAG_MASK = 0x7fffff;
/**
 * The part number NEXT holds while a generation is being posted: above any COUNT, so nothing can
 * be claimed until its slots are written.
 */
export const CLOSED = 255;
// Int32 fields of slot s, at SLOTS + s * SLOT_INTS: worker s's state, and part s + 1's call
export const SLOTS = 4;
export const SLOT_INTS = 8;
export const STATE = 0;
export const FN = 2;
export const NARGS = 3;
export const ERROR_LENGTH = 4;
// worker states
export const STARTING = 0;
export const READY = 1;
export const FAILED = 2;

const INT_BYTES = (SLOTS + MAX_WORKERS * SLOT_INTS) * 4;
/** Byte offset of the Float64 arguments: MAX_ARGS per slot. */
export const ARGS_OFFSET = Math.ceil(INT_BYTES / 8) * 8;
/** Byte offset of the Float64 results: one per slot. */
export const RESULTS_OFFSET = ARGS_OFFSET + MAX_WORKERS * MAX_ARGS * 8;
/** Byte offset of the Uint16 error messages: ERROR_CHARS per slot. */
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

/** Int32 index of `field` in slot s. */
export function slot(s: number, field: number): number {
  return SLOTS + s * SLOT_INTS + field;
}

/**
 * Claims the next unclaimed part of the generation tagged `tag` (generation & TAG_MASK):
 * returns its number, or -1 when none is left or the generation has moved on. Self-contained
 * (the indices are arguments): worker-source.ts embeds its source, so caller and workers claim
 * by the same code.
 */
export function claimPart(ints: Int32Array, next: number, count: number, tag: number): number {
  for (;;) {
    const v = Atomics.load(ints, next);
    if (v >>> 8 !== tag || (v & 255) >= Atomics.load(ints, count)) return -1;
    if (Atomics.compareExchange(ints, next, v, v + 1) === v) return v & 255;
  }
}
