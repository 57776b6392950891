// The fused Adam step for one leaf of n floats (old arrays in, new arrays out; the same addresses
// for in place), in the operation order of
// jax.example_libraries.optimizers.adam, plus Flax's decoupled weight decay:
//
//   m = b1 m + (1 - b1) g
//   v = b2 v + (1 - b2) g²
//   x = x - (stepSize * (m / (1 - b1^t))) / (sqrt(v / (1 - b2^t)) + eps) - (stepSize * weightDecay) x
//
// With weightDecay = 0 the last term subtracts zero and changes no bits.
import { at, biasCorrection, flagNonFinite, flagNonFiniteScalar, sawNonFinite } from './lanes';

/**
 * Writes the new x, m and v to xOut, mOut and vOut (which may equal x, m, v); `step` is t = i + 1. Returns 1 when g held NaN or ±Inf or the new
 * x or v is not finite (a NaN parameter, or float32 overflow of g² or x), else 0.
 */
export function adamStep(
  x: usize,
  m: usize,
  v: usize,
  g: usize,
  xOut: usize,
  mOut: usize,
  vOut: usize,
  n: i32,
  step: f64,
  stepSize: f64,
  b1: f64,
  b2: f64,
  eps: f64,
  weightDecay: f64,
): i32 {
  const B1 = <f32>b1, C1 = <f32>(1.0 - b1);
  const B2 = <f32>b2, C2 = <f32>(1.0 - b2);
  const BC1 = biasCorrection(b1, step), BC2 = biasCorrection(b2, step);
  const LR = <f32>stepSize, EPS = <f32>eps;
  const DECAY = LR * <f32>weightDecay;

  const vB1 = f32x4.splat(B1), vC1 = f32x4.splat(C1);
  const vB2 = f32x4.splat(B2), vC2 = f32x4.splat(C2);
  const vBC1 = f32x4.splat(BC1), vBC2 = f32x4.splat(BC2);
  const vLR = f32x4.splat(LR), vEPS = f32x4.splat(EPS), vDECAY = f32x4.splat(DECAY);
  let flags = f32x4.splat(0);

  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const gi = v128.load(at(g, i));
    flags = flagNonFinite(flags, gi);
    const mi = f32x4.add(f32x4.mul(vB1, v128.load(at(m, i))), f32x4.mul(vC1, gi));
    const vi = f32x4.add(f32x4.mul(vB2, v128.load(at(v, i))), f32x4.mul(vC2, f32x4.mul(gi, gi)));
    const mhat = f32x4.div(mi, vBC1);
    const denom = f32x4.add(f32x4.sqrt(f32x4.div(vi, vBC2)), vEPS);
    const xi = v128.load(at(x, i));
    const stepped = f32x4.sub(xi, f32x4.div(f32x4.mul(vLR, mhat), denom));
    const xNew = f32x4.sub(stepped, f32x4.mul(vDECAY, xi));
    flags = flagNonFinite(flagNonFinite(flags, xNew), vi);
    v128.store(at(xOut, i), xNew);
    v128.store(at(mOut, i), mi);
    v128.store(at(vOut, i), vi);
  }

  let flag: f32 = 0;
  for (; i < n; i++) {
    const gi = load<f32>(at(g, i));
    flag = flagNonFiniteScalar(flag, gi);
    const mi = B1 * load<f32>(at(m, i)) + C1 * gi;
    const vi = B2 * load<f32>(at(v, i)) + C2 * (gi * gi);
    const mhat = mi / BC1;
    const denom = Mathf.sqrt(vi / BC2) + EPS;
    const xi = load<f32>(at(x, i));
    const xNew = (xi - (LR * mhat) / denom) - DECAY * xi;
    flag = flagNonFiniteScalar(flagNonFiniteScalar(flag, xNew), vi);
    store<f32>(at(xOut, i), xNew);
    store<f32>(at(mOut, i), mi);
    store<f32>(at(vOut, i), vi);
  }
  return sawNonFinite(flags, flag);
}
