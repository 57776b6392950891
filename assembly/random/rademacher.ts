// JAX's rademacher(key, shape, float32) = 2 * bernoulli(key, 0.5, shape) - 1, where bernoulli is
// uniform(key) < 0.5. uniform = m / 2^23 with m = bits >>> 9 (exact), so uniform < 0.5 exactly
// when the top bit of the random bits is 0: +1.0 then, else -1.0. That top bit is copied straight
// into the sign bit of 1.0f.
import { threefryBits, threefryBitsX4 } from './threefry';

const ONE_BITS: u32 = 0x3f800000;
const SIGN_BIT: u32 = 0x80000000;

@inline
function signFromBits(bits: u32): f32 {
  return reinterpret<f32>((bits & SIGN_BIT) | ONE_BITS);
}

export function randomRademacher(k0: u32, k1: u32, outPtr: usize, n: i32): void {
  const sign = i32x4.splat(SIGN_BIT);
  const one = i32x4.splat(ONE_BITS);
  // Eight per step, as randomBits; the last n % 8 take the scalar path.
  const n8 = n & ~7;
  for (let i = 0; i < n8; i += 8) {
    const at = outPtr + (<usize>i << 2);
    v128.store(at, v128.or(v128.and(threefryBitsX4(k0, k1, <u32>i), sign), one));
    v128.store(at, v128.or(v128.and(threefryBitsX4(k0, k1, <u32>i + 4), sign), one), 16);
  }
  for (let i = n8; i < n; i++) {
    store<f32>(outPtr + (<usize>i << 2), signFromBits(threefryBits(k0, k1, <u32>i)));
  }
}

/** The scalar reference path of randomRademacher. */
export function randomRademacherScalar(k0: u32, k1: u32, outPtr: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    store<f32>(outPtr + (<usize>i << 2), signFromBits(threefryBits(k0, k1, <u32>i)));
  }
}
