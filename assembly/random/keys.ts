// Kernels that make keys: the raw threefry2x32 hash (JAX's fold_in, and known-answer tests) and
// JAX's split. A key is two u32 words (k0, k1); outputs are written as consecutive (y0, y1) pairs.
import { threefry2x32 } from './threefry';

/**
 * Hashes n counters (x0, x1) at countersPtr with key (k0, k1) and writes the n results
 * (y0, y1) to outPtr (which may equal countersPtr).
 */
export function randomThreefry2x32(k0: u32, k1: u32, countersPtr: usize, outPtr: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 3;
    const y = threefry2x32(k0, k1, load<u32>(countersPtr + at), load<u32>(countersPtr + at, 4));
    store<u32>(outPtr + at, <u32>(y >>> 32));
    store<u32>(outPtr + at, <u32>y, 4);
  }
}

/**
 * JAX's split in partitionable mode: new key i = threefry2x32(key, (hi(i), lo(i))) for the
 * 64-bit index i (hi(i) = 0 here). Writes n keys (2n u32 words) to outPtr.
 */
export function randomSplit(k0: u32, k1: u32, outPtr: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const y = threefry2x32(k0, k1, 0, <u32>i);
    const at = outPtr + (<usize>i << 3);
    store<u32>(at, <u32>(y >>> 32));
    store<u32>(at, <u32>y, 4);
  }
}
