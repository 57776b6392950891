// log1p in float32 exactly as XLA's CPU code computes it (the log1p inside JAX's erf_inv): for
// |x| < √2 - 1 a Cephes rational approximation, otherwise log(1 + x) with XLA's float32 log (the
// Cephes/Eigen polynomial on the mantissa plus the exponent times ln 2). Every multiply that
// feeds an add is fused where LLVM's contraction fuses it on x86-64 with FMA (a multiply used
// once; of two, the left operand); every other step is one float32 operation in XLA's order.
import { fmaF32 } from './fma';

/** √2 - 1 rounded to float32: below it in magnitude, the rational form is used. */
const SMALL: f32 = 0.41421356237309504880;

/** Horner's rule from 0 over `coefficients` (highest degree first), as XLA evaluates them. */
@inline
function polynomial(x: f32, c0: f32, c1: f32, c2: f32, c3: f32, c4: f32, c5: f32, c6: f32): f32 {
  let p = fmaF32(0, x, c0);
  p = fmaF32(p, x, c1);
  p = fmaF32(p, x, c2);
  p = fmaF32(p, x, c3);
  p = fmaF32(p, x, c4);
  p = fmaF32(p, x, c5);
  return fmaF32(p, x, c6);
}

/** XLA's float32 natural logarithm of x > 0 (Cephes logf as vectorised by Eigen). */
export function logF32(x: f32): f32 {
  if (x == Infinity) return Infinity;
  if (x == 0) return -Infinity;
  if (!(x > 0)) return NaN;
  // x = m · 2^e with m in [0.5, 1) (subnormals are raised to the smallest normal, as XLA does).
  const bits = reinterpret<u32>(Mathf.max(x, reinterpret<f32>(0x00800000)));
  let e = <f32>(<i32>(bits >>> 23) - 0x7f) + 1;
  let m = reinterpret<f32>((bits & 0x807fffff) | 0x3f000000);
  // Below √½, use 2m - 1 and e - 1 so that m - 1 stays in [√½ - 1, √2 - 1).
  if (m < <f32>0.707106781186547524) {
    e = e - 1;
    m = m - 1 + m;
  } else {
    m = m - 1;
  }
  const m2 = m * m;
  const m3 = m2 * m;
  let y = fmaF32(m, 7.0376836292e-2, -1.1514610310e-1);
  let y1 = fmaF32(m, -1.2420140846e-1, 1.4249322787e-1);
  let y2 = fmaF32(m, 2.0000714765e-1, -2.4999993993e-1);
  y = fmaF32(y, m, 1.1676998740e-1);
  y1 = fmaF32(y1, m, -1.6668057665e-1);
  y2 = fmaF32(y2, m, 3.3333331174e-1);
  y = fmaF32(y, m3, y1);
  y = fmaF32(y, m3, y2);
  // ln 2 = 0.693359375 - 2.12194440e-4, in two parts so that e·ln 2 loses nothing.
  y = fmaF32(y, m3, <f32>-2.12194440e-4 * e);
  const r = fmaF32(-0.5, m2, m) + y;
  return fmaF32(0.693359375, e, r);
}

/** XLA's float32 log1p(x) for x ≥ -1. */
export function log1pF32(x: f32): f32 {
  if (!(Mathf.abs(x) < SMALL)) return logF32(x + 1);
  const x2 = x * x;
  const numerator = polynomial(
    x, 4.5270000862445199635215e-5, 4.9854102823193375972212e-1, 6.5787325942061044846969e0,
    2.9911919328553073277375e1, 6.0949667980987787057556e1, 5.7112963590585538103336e1, 2.0039553499201281259648e1,
  );
  const denominator = polynomial(
    x, 1.0, 1.5062909083469192043167e1, 8.3047565967967209469434e1, 2.2176239823732856465394e2,
    3.0909872225312059774938e2, 2.1642788614495947685003e2, 6.0118660497603843919306e1,
  );
  const r = x * x2 * (numerator / denominator);
  return x + fmaF32(-0.5, x2, r);
}
