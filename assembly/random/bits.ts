// JAX's random_bits(key, 32, shape) in partitionable mode: element i (row-major flat index) is
// y0 ^ y1 of threefry2x32(key, (hi(i), lo(i))). The SIMD path takes BULK_STEP indices per step
// (see threefry.ts for the step's shape) and finishes the last n % BULK_STEP with the scalar
// path; both give the same bits.
import { BULK_STEP, threefryBits, threefryBitsX4 } from './threefry';

export function randomBits(k0: u32, k1: u32, outPtr: usize, n: i32): void {
  let i = 0;
  for (; i <= n - BULK_STEP; i += BULK_STEP) {
    const at = outPtr + (<usize>i << 2);
    const c = <u32>i;
    v128.store(at, threefryBitsX4(k0, k1, c));
    v128.store(at, threefryBitsX4(k0, k1, c + 4), 16);
    v128.store(at, threefryBitsX4(k0, k1, c + 8), 32);
    v128.store(at, threefryBitsX4(k0, k1, c + 12), 48);
    v128.store(at, threefryBitsX4(k0, k1, c + 16), 64);
    v128.store(at, threefryBitsX4(k0, k1, c + 20), 80);
    store<u32>(at, threefryBits(k0, k1, c + 24), 96);
    store<u32>(at, threefryBits(k0, k1, c + 25), 100);
    store<u32>(at, threefryBits(k0, k1, c + 26), 104);
    store<u32>(at, threefryBits(k0, k1, c + 27), 108);
  }
  for (; i < n; i++) {
    store<u32>(outPtr + (<usize>i << 2), threefryBits(k0, k1, <u32>i));
  }
}

/** The scalar reference path of randomBits (tests and benchmarks compare the two). */
export function randomBitsScalar(k0: u32, k1: u32, outPtr: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    store<u32>(outPtr + (<usize>i << 2), threefryBits(k0, k1, <u32>i));
  }
}
