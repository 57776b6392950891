// JAX's random_bits(key, 32, shape) in partitionable mode: element i (row-major flat index) is
// y0 ^ y1 of threefry2x32(key, (hi(i), lo(i))). The SIMD path hashes eight indices per step (two
// independent vectors, so the CPU overlaps their dependency chains) and finishes the last n % 8
// with the scalar path; both give the same bits.
import { threefryBits, threefryBitsX4 } from './threefry';

export function randomBits(k0: u32, k1: u32, outPtr: usize, n: i32): void {
  const n8 = n & ~7;
  for (let i = 0; i < n8; i += 8) {
    const at = outPtr + (<usize>i << 2);
    v128.store(at, threefryBitsX4(k0, k1, <u32>i));
    v128.store(at, threefryBitsX4(k0, k1, <u32>i + 4), 16);
  }
  for (let i = n8; i < n; i++) {
    store<u32>(outPtr + (<usize>i << 2), threefryBits(k0, k1, <u32>i));
  }
}

/** The scalar reference path of randomBits (tests and benchmarks compare the two). */
export function randomBitsScalar(k0: u32, k1: u32, outPtr: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    store<u32>(outPtr + (<usize>i << 2), threefryBits(k0, k1, <u32>i));
  }
}
