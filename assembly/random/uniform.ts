// JAX's uniform(key, shape, float32, minval, maxval): the top 23 random bits become the mantissa
// of a float in [1, 2); subtracting 1 gives [0, 1) on a 2^-23 grid. Then
// max(minval, f * (maxval - minval) + minval), every step a float32 operation in JAX's order, the
// multiply-add fused as XLA's compiled code fuses it.
import { fmaF32, fmaF32x4 } from './fma';
import { BULK_STEP, threefryBits, threefryBitsX4 } from './threefry';

/** Exponent and sign bits of 1.0f. */
const ONE_BITS: u32 = 0x3f800000;

@inline
export function unitFromBits(bits: u32): f32 {
  return reinterpret<f32>((bits >>> 9) | ONE_BITS) - 1.0;
}

@inline
function unitFromBitsX4(bits: v128): v128 {
  return f32x4.sub(v128.or(i32x4.shr_u(bits, 9), i32x4.splat(ONE_BITS)), f32x4.splat(1.0));
}

/** The uniform on [minval, maxval) made from 32 random bits; scale = maxval - minval. */
@inline
function uniformOf(bits: u32, scale: f32, minval: f32): f32 {
  return Mathf.max(minval, fmaF32(unitFromBits(bits), scale, minval));
}

/** uniformOf for each of four lanes. */
@inline
function uniformOfX4(bits: v128, scale: v128, minval: v128): v128 {
  return f32x4.max(minval, fmaF32x4(unitFromBitsX4(bits), scale, minval));
}

export function randomUniform(k0: u32, k1: u32, outPtr: usize, n: i32, minval: f32, maxval: f32): void {
  const scale = maxval - minval;
  const scaleX4 = f32x4.splat(scale);
  const minX4 = f32x4.splat(minval);
  // BULK_STEP per step as randomBits; the last n % BULK_STEP take the scalar path.
  let i = 0;
  for (; i <= n - BULK_STEP; i += BULK_STEP) {
    const at = outPtr + (<usize>i << 2);
    const c = <u32>i;
    v128.store(at, uniformOfX4(threefryBitsX4(k0, k1, c), scaleX4, minX4));
    v128.store(at, uniformOfX4(threefryBitsX4(k0, k1, c + 4), scaleX4, minX4), 16);
    v128.store(at, uniformOfX4(threefryBitsX4(k0, k1, c + 8), scaleX4, minX4), 32);
    v128.store(at, uniformOfX4(threefryBitsX4(k0, k1, c + 12), scaleX4, minX4), 48);
    v128.store(at, uniformOfX4(threefryBitsX4(k0, k1, c + 16), scaleX4, minX4), 64);
    v128.store(at, uniformOfX4(threefryBitsX4(k0, k1, c + 20), scaleX4, minX4), 80);
    store<f32>(at, uniformOf(threefryBits(k0, k1, c + 24), scale, minval), 96);
    store<f32>(at, uniformOf(threefryBits(k0, k1, c + 25), scale, minval), 100);
    store<f32>(at, uniformOf(threefryBits(k0, k1, c + 26), scale, minval), 104);
    store<f32>(at, uniformOf(threefryBits(k0, k1, c + 27), scale, minval), 108);
  }
  for (; i < n; i++) {
    store<f32>(outPtr + (<usize>i << 2), uniformOf(threefryBits(k0, k1, <u32>i), scale, minval));
  }
}

/** The scalar reference path of randomUniform. */
export function randomUniformScalar(k0: u32, k1: u32, outPtr: usize, n: i32, minval: f32, maxval: f32): void {
  const scale = maxval - minval;
  for (let i = 0; i < n; i++) {
    store<f32>(outPtr + (<usize>i << 2), uniformOf(threefryBits(k0, k1, <u32>i), scale, minval));
  }
}
