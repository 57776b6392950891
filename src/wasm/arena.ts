// A bump allocator over the wasm linear memory. The host owns every byte above the core's
// __heap_base; kernels never allocate. Work happens between mark() and release(mark), so
// intermediates of a call cost no GC and need no dispose().
//
// Views: growing memory detaches every Float32Array over the old buffer, so views are made
// fresh by f32()/u32() right where they are used and never held across an allocation.
import { core } from './instance.js';

const PAGE = 65536;
const MAX_BYTES = 4 * 1024 * 1024 * 1024; // wasm32 limit: 65536 pages
/** f32x4 loads want 16-byte alignment; a 64-byte line keeps SIMD tiles off cache-line splits. */
const ALIGN = 64;

// The arena's floor: long-lived blocks (src/wasm/resident.ts) are claimed below it.
let base = ((core.heapBase() >>> 0) + ALIGN - 1) & ~(ALIGN - 1);
let top = base;
/** How many scoped() calls are running: a long-lived claim is only safe when none is. */
let openScopes = 0;

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

function ensureCapacity(end: number): void {
  const have = core.memory.buffer.byteLength;
  if (end <= have) return;
  const pages = Math.ceil((end - have) / PAGE);
  try {
    core.memory.grow(pages);
  } catch (cause) {
    throw new RangeError(
      `wasm memory could not grow to ${end} bytes (the engine refused ${pages} more pages)`,
      { cause },
    );
  }
}

/** Reserves `bytes` bytes (64-byte aligned) and returns their address. */
export function alloc(bytes: number): number {
  if (!Number.isFinite(bytes) || bytes < 0) {
    throw new RangeError(`cannot allocate ${bytes} bytes: expected a finite, non-negative size`);
  }
  const start = top;
  const end = start + align(bytes);
  if (end > MAX_BYTES) {
    throw new RangeError(
      `allocation of ${bytes} bytes exceeds the 4 GiB wasm memory limit ` +
        `(${start} bytes already in use)`,
    );
  }
  ensureCapacity(end);
  top = end;
  return start;
}

/** Reserves room for `count` float32 values. */
export function allocF32(count: number): number {
  return alloc(count * 4);
}

export type Mark = number;
export function mark(): Mark {
  return top;
}
/** Frees everything allocated since `m`. */
export function release(m: Mark): void {
  if (m < base || m > top) throw new Error(`arena release to ${m} outside [${base}, ${top}]`);
  top = m;
}

/** Runs `body` and frees whatever it allocated, even when it throws. */
export function scoped<T>(body: () => T): T {
  const m = mark();
  openScopes++;
  try {
    return body();
  } finally {
    openScopes--;
    release(m);
  }
}

/**
 * Reserves `bytes` bytes for good, below the arena's floor, or returns -1 while a scope is open
 * (its release would free them). For src/wasm/resident.ts, which recycles what it claims.
 */
export function claimLongLived(bytes: number): number {
  if (openScopes > 0) return -1;
  const start = alloc(bytes);
  base = top;
  return start;
}

/** A fresh float32 view of `count` values at `ptr` (do not hold it across an allocation). */
export function f32(ptr: number, count: number): Float32Array {
  return new Float32Array(core.memory.buffer, ptr, count);
}
export function f64(ptr: number, count: number): Float64Array {
  return new Float64Array(core.memory.buffer, ptr, count);
}
export function u32(ptr: number, count: number): Uint32Array {
  return new Uint32Array(core.memory.buffer, ptr, count);
}
export function i32(ptr: number, count: number): Int32Array {
  return new Int32Array(core.memory.buffer, ptr, count);
}

/** Copies `data` into the arena and returns its address. */
export function copyIn(data: ArrayLike<number>): number {
  const ptr = allocF32(data.length);
  f32(ptr, data.length).set(data);
  return ptr;
}

/** Copies `count` floats at `ptr` out into a new JS-owned Float32Array. */
export function copyOut(ptr: number, count: number): Float32Array {
  // the Float32Array(typedArray) constructor copies in one memcpy; slice() was erratic in V8 here
  return new Float32Array(f32(ptr, count));
}

/** Bytes of wasm memory currently reserved by the engine (for leak tests). */
export function memoryBytes(): number {
  return core.memory.buffer.byteLength;
}
