// The fused RMSprop step for one leaf of n floats (old arrays in, new arrays out; the same
// addresses for in place), in the operation order of
// jax.example_libraries.optimizers.rmsprop (optax's scale_by_rms with initial_scale 0 agrees):
//
//   v = v gamma + g² (1 - gamma)
//   x = x - (stepSize g) / sqrt(v + eps)
//
// eps sits inside the square root, as in JAX and optax (PyTorch adds it outside).
import { at, flagNonFinite, flagNonFiniteScalar, sawNonFinite } from './lanes';

/** Writes the new x and v to xOut and vOut (which may equal x and v). Returns 1 when g held NaN or ±Inf or the new v or x is not finite, else 0. */
export function rmspropStep(x: usize, v: usize, g: usize, xOut: usize, vOut: usize, n: i32, stepSize: f64, gamma: f64, eps: f64): i32 {
  const LR = <f32>stepSize, GAMMA = <f32>gamma, C = <f32>(1.0 - gamma), EPS = <f32>eps;
  const vLR = f32x4.splat(LR), vGAMMA = f32x4.splat(GAMMA), vC = f32x4.splat(C), vEPS = f32x4.splat(EPS);
  let flags = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const gi = v128.load(at(g, i));
    flags = flagNonFinite(flags, gi);
    const vi = f32x4.add(f32x4.mul(v128.load(at(v, i)), vGAMMA), f32x4.mul(f32x4.mul(gi, gi), vC));
    const xNew = f32x4.sub(v128.load(at(x, i)), f32x4.div(f32x4.mul(vLR, gi), f32x4.sqrt(f32x4.add(vi, vEPS))));
    flags = flagNonFinite(flagNonFinite(flags, vi), xNew);
    v128.store(at(vOut, i), vi);
    v128.store(at(xOut, i), xNew);
  }
  let flag: f32 = 0;
  for (; i < n; i++) {
    const gi = load<f32>(at(g, i));
    flag = flagNonFiniteScalar(flag, gi);
    const vi = load<f32>(at(v, i)) * GAMMA + (gi * gi) * C;
    const xNew = load<f32>(at(x, i)) - (LR * gi) / Mathf.sqrt(vi + EPS);
    flag = flagNonFiniteScalar(flagNonFiniteScalar(flag, vi), xNew);
    store<f32>(at(vOut, i), vi);
    store<f32>(at(xOut, i), xNew);
  }
  return sawNonFinite(flags, flag);
}
