// The inverse error function in float32, exactly as XLA's CPU code computes JAX's lax.erf_inv:
// M. Giles, "Approximating the erfinv function" (GPU Computing Gems, 2011), a degree-8
// polynomial in w = -log1p(-x²) with one coefficient set for the centre (w < 5) and one for the
// tails, evaluated with fused multiply-adds (as LLVM contracts XLA's `c + p * w` on x86-64), and
// XLA's own log1p.
import { fmaF32 } from './fma';
import { log1pF32 } from './log1p';

/** erfinv(x) for x in [-1, 1]; ±Infinity at ±1, NaN outside. */
export function erfinvF32(x: f32): f32 {
  // At |x| = 1 the polynomial is indeterminate; erfinv(±1) = ±Infinity.
  if (Mathf.abs(x) == 1) return x * Infinity;
  let w: f32 = -log1pF32(x * -x);
  let p: f32;
  if (w < 5) {
    w = w - 2.5;
    p = 2.81022636e-8;
    p = fmaF32(p, w, 3.43273939e-7);
    p = fmaF32(p, w, -3.5233877e-6);
    p = fmaF32(p, w, -4.39150654e-6);
    p = fmaF32(p, w, 0.00021858087);
    p = fmaF32(p, w, -0.00125372503);
    p = fmaF32(p, w, -0.00417768164);
    p = fmaF32(p, w, 0.246640727);
    p = fmaF32(p, w, 1.50140941);
  } else {
    w = Mathf.sqrt(w) - 3;
    p = -0.000200214257;
    p = fmaF32(p, w, 0.000100950558);
    p = fmaF32(p, w, 0.00134934322);
    p = fmaF32(p, w, -0.00367342844);
    p = fmaF32(p, w, 0.00573950773);
    p = fmaF32(p, w, -0.0076224613);
    p = fmaF32(p, w, 0.00943887047);
    p = fmaF32(p, w, 1.00167406);
    p = fmaF32(p, w, 2.83297682);
  }
  return p * x;
}
