// JAX's rademacher(key, shape, float32) = 2 * bernoulli(key, 0.5, shape) - 1, where bernoulli is
// uniform(key) < 0.5. uniform = m / 2^23 with m = bits >>> 9 (exact), so uniform < 0.5 exactly
// when the top bit of the random bits is 0: +1.0 then, else -1.0. That top bit is copied straight
// into the sign bit of 1.0f.
import { BULK_STEP, threefryBits, threefryBitsX4 } from './threefry';

const ONE_BITS: u32 = 0x3f800000;
const SIGN_BIT: u32 = 0x80000000;

@inline
function signFromBits(bits: u32): f32 {
  return reinterpret<f32>((bits & SIGN_BIT) | ONE_BITS);
}

/** signFromBits for each of four lanes. */
@inline
function signsFromBitsX4(bits: v128): v128 {
  return v128.or(v128.and(bits, i32x4.splat(SIGN_BIT)), i32x4.splat(ONE_BITS));
}

/**
 * Elements first .. first + n - 1 of rademacher(key, shape) for any shape of at least that size,
 * written to outPtr[0 .. n). Element i's sign comes from the counter i alone, so a range can be
 * drawn on its own (threads draw theirs) with the bits of the whole.
 */
export function randomRademacher(k0: u32, k1: u32, outPtr: usize, n: i32, first: u32): void {
  // BULK_STEP per step as randomBits; the last n % BULK_STEP take the scalar path.
  let i = 0;
  for (; i <= n - BULK_STEP; i += BULK_STEP) {
    const at = outPtr + (<usize>i << 2);
    const c = first + <u32>i;
    v128.store(at, signsFromBitsX4(threefryBitsX4(k0, k1, c)));
    v128.store(at, signsFromBitsX4(threefryBitsX4(k0, k1, c + 4)), 16);
    v128.store(at, signsFromBitsX4(threefryBitsX4(k0, k1, c + 8)), 32);
    v128.store(at, signsFromBitsX4(threefryBitsX4(k0, k1, c + 12)), 48);
    v128.store(at, signsFromBitsX4(threefryBitsX4(k0, k1, c + 16)), 64);
    v128.store(at, signsFromBitsX4(threefryBitsX4(k0, k1, c + 20)), 80);
    store<f32>(at, signFromBits(threefryBits(k0, k1, c + 24)), 96);
    store<f32>(at, signFromBits(threefryBits(k0, k1, c + 25)), 100);
    store<f32>(at, signFromBits(threefryBits(k0, k1, c + 26)), 104);
    store<f32>(at, signFromBits(threefryBits(k0, k1, c + 27)), 108);
  }
  for (; i < n; i++) {
    store<f32>(outPtr + (<usize>i << 2), signFromBits(threefryBits(k0, k1, first + <u32>i)));
  }
}

/** The scalar reference path of randomRademacher. */
export function randomRademacherScalar(k0: u32, k1: u32, outPtr: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    store<f32>(outPtr + (<usize>i << 2), signFromBits(threefryBits(k0, k1, <u32>i)));
  }
}
