// JAX's uniform(key, shape, float32, minval, maxval): the top 23 random bits become the mantissa
// of a float in [1, 2); subtracting 1 gives [0, 1) on a 2^-23 grid. Then
// max(minval, f * (maxval - minval) + minval), every step a float32 operation in JAX's order.
import { threefryBits, threefryBitsX4 } from './threefry';

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

@inline
function scaled(f: f32, scale: f32, minval: f32): f32 {
  return Mathf.max(minval, f * scale + minval);
}

export function randomUniform(k0: u32, k1: u32, outPtr: usize, n: i32, minval: f32, maxval: f32): void {
  const scale = maxval - minval;
  const scaleX4 = f32x4.splat(scale);
  const minX4 = f32x4.splat(minval);
  // Eight per step, as randomBits; the last n % 8 take the scalar path.
  const n8 = n & ~7;
  for (let i = 0; i < n8; i += 8) {
    const at = outPtr + (<usize>i << 2);
    const f = unitFromBitsX4(threefryBitsX4(k0, k1, <u32>i));
    const g = unitFromBitsX4(threefryBitsX4(k0, k1, <u32>i + 4));
    v128.store(at, f32x4.max(minX4, f32x4.add(f32x4.mul(f, scaleX4), minX4)));
    v128.store(at, f32x4.max(minX4, f32x4.add(f32x4.mul(g, scaleX4), minX4)), 16);
  }
  for (let i = n8; i < n; i++) {
    store<f32>(outPtr + (<usize>i << 2), scaled(unitFromBits(threefryBits(k0, k1, <u32>i)), scale, minval));
  }
}

/** The scalar reference path of randomUniform. */
export function randomUniformScalar(k0: u32, k1: u32, outPtr: usize, n: i32, minval: f32, maxval: f32): void {
  const scale = maxval - minval;
  for (let i = 0; i < n; i++) {
    store<f32>(outPtr + (<usize>i << 2), scaled(unitFromBits(threefryBits(k0, k1, <u32>i)), scale, minval));
  }
}
