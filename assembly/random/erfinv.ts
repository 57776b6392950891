// The inverse error function in float32, exactly XLA's ErfInv for f32 (the one JAX's
// lax.erf_inv runs): M. Giles, "Approximating the erfinv function" (GPU Computing Gems, 2011),
// a degree-8 polynomial in w = -log(1 - x²) with one coefficient set for the centre (w < 5) and
// one for the tails. Every operation is a float32 operation, in XLA's order.

/** erfinv(x) for x in [-1, 1]; ±Infinity at ±1, NaN outside. */
export function erfinvF32(x: f32): f32 {
  let w: f32 = -Mathf.log1p(-x * x);
  let p: f32;
  if (w < 5) {
    w = w - 2.5;
    p = 2.81022636e-8;
    p = 3.43273939e-7 + p * w;
    p = -3.5233877e-6 + p * w;
    p = -4.39150654e-6 + p * w;
    p = 0.00021858087 + p * w;
    p = -0.00125372503 + p * w;
    p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w;
    p = 1.50140941 + p * w;
  } else {
    w = Mathf.sqrt(w) - 3;
    p = -0.000200214257;
    p = 0.000100950558 + p * w;
    p = 0.00134934322 + p * w;
    p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w;
    p = -0.0076224613 + p * w;
    p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w;
    p = 2.83297682 + p * w;
  }
  // At |x| = 1 the polynomial is indeterminate; erfinv(±1) = ±Infinity.
  if (Mathf.abs(x) == 1) return x * Infinity;
  return p * x;
}
