// JAX's truncated_normal(key, lower, upper, shape, float32), as XLA compiles it:
// u = uniform(key, shape, erf(lower/√2), erf(upper/√2)), out = √2·erfinv(u), clipped into the
// open interval (lower, upper) by nextafter of the bounds. XLA rewrites the division by the
// constant √2 as a multiplication by its float32 reciprocal. stax's glorot_normal draws its
// weights from it with bounds (-2, 2).
import { erfF32 } from './erf';
import { erfinvF32 } from './erfinv';
import { randomUniform } from './uniform';

/** √2 rounded to float32. */
const SQRT2: f32 = 1.41421356237;
/** 1 / SQRT2, computed in float32 as XLA folds it. */
const INV_SQRT2: f32 = <f32>1 / SQRT2;

/** The next float32 after x toward +Infinity (x finite). */
function nextUp(x: f32): f32 {
  if (x == 0) return reinterpret<f32>(1);
  const bits = reinterpret<i32>(x);
  return reinterpret<f32>(x > 0 ? bits + 1 : bits - 1);
}

/** The next float32 after x toward -Infinity (x finite). */
function nextDown(x: f32): f32 {
  return -nextUp(-x);
}

export function randomTruncatedNormal(k0: u32, k1: u32, outPtr: usize, n: i32, lower: f32, upper: f32): void {
  const a = erfF32(lower * INV_SQRT2);
  const b = erfF32(upper * INV_SQRT2);
  const lo = nextUp(lower);
  const hi = nextDown(upper);
  randomUniform(k0, k1, outPtr, n, a, b);
  for (let i = 0; i < n; i++) {
    const at = outPtr + (<usize>i << 2);
    const v = SQRT2 * erfinvF32(load<f32>(at));
    store<f32>(at, Mathf.min(Mathf.max(v, lo), hi));
  }
}
