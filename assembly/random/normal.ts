// JAX's normal(key, shape, float32) = sqrt(2) * erfinv(u), u = uniform(key, shape, lo, 1) with
// lo = nextafter(-1, 0) so that u > -1 and erfinv stays finite. The uniforms come from the SIMD
// uniform kernel; erfinv (a log1p and a branch) runs per element.
import { erfinvF32 } from './erfinv';
import { randomUniform } from './uniform';

/** nextafter(-1.0f, 0.0f) = -1 + 2^-24. */
const ABOVE_MINUS_ONE: f32 = reinterpret<f32>(0xbf7fffff);
/** sqrt(2) rounded to float32. */
const SQRT2: f32 = 1.41421356237;

export function randomNormal(k0: u32, k1: u32, outPtr: usize, n: i32): void {
  randomUniform(k0, k1, outPtr, n, ABOVE_MINUS_ONE, 1.0);
  for (let i = 0; i < n; i++) {
    const at = outPtr + (<usize>i << 2);
    store<f32>(at, SQRT2 * erfinvF32(load<f32>(at)));
  }
}
