// JAX's truncated_normal(key, lower, upper, shape, float32): u = uniform(key, shape, erf(lower/√2),
// erf(upper/√2)), out = √2·erfinv(u), clipped into the open interval (lower, upper).
// stax's glorot_normal draws its weights from it with bounds (-2, 2).
import { erfinvF32 } from './erfinv';
import { randomUniform } from './uniform';

const SQRT2: f32 = 1.41421356237;

/**
 * erf(x) by Abramowitz & Stegun 7.1.26 in f64 (absolute error ≤ 1.5e-7, below float32's
 * resolution near the tails where the bounds live). Only used for the two interval ends.
 */
function erf(x: f64): f64 {
  const sign: f64 = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-ax * ax));
}

export function randomTruncatedNormal(k0: u32, k1: u32, outPtr: usize, n: i32, lower: f32, upper: f32): void {
  const a = <f32>erf(<f64>(lower / SQRT2));
  const b = <f32>erf(<f64>(upper / SQRT2));
  // clip to the open interval: nextafter(lower, +inf) and nextafter(upper, -inf)
  const lo = reinterpret<f32>(reinterpret<i32>(lower) + (lower < 0 ? -1 : 1));
  const hi = upper == 0 ? reinterpret<f32>(0x80000001) : reinterpret<f32>(reinterpret<i32>(upper) + (upper > 0 ? -1 : 1));
  randomUniform(k0, k1, outPtr, n, a, b);
  for (let i = 0; i < n; i++) {
    const at = outPtr + (<usize>i << 2);
    const v = SQRT2 * erfinvF32(load<f32>(at));
    store<f32>(at, Mathf.min(Mathf.max(v, lo), hi));
  }
}
