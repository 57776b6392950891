// erf in float32 as XLA's CPU code computes it (the erf JAX's truncated_normal takes of its
// bounds): Eigen's rational approximation x·P(x²)/Q(x²), degrees 9 and 12, with fused
// multiply-adds; ±1 beyond erfinv(1 - 2^-23).
import { fmaF32 } from './fma';

/** Beyond this |x|, erf(x) rounds to ±1 in float32. */
const SATURATES: f32 = 3.832506856900711;

export function erfF32(x: f32): f32 {
  if (Mathf.abs(x) >= SATURATES) return x > 0 ? 1 : -1;
  const x2 = x * x;
  let p = fmaF32(x2, 0.00022905065861350646, 0.0034082910107109506);
  p = fmaF32(x2, p, 0.050955695062380861);
  p = fmaF32(x2, p, 0.18520832239976145);
  p = fmaF32(x2, p, 1.128379143519084);
  p = x * p;
  let q = fmaF32(x2, -1.1791602954361697e-7, 0.000023547966471313185);
  q = fmaF32(x2, q, 0.0010179625278914885);
  q = fmaF32(x2, q, 0.014070470171167667);
  q = fmaF32(x2, q, 0.11098505178285362);
  q = fmaF32(x2, q, 0.49746925110067538);
  q = fmaF32(x2, q, 1.0);
  return p / q;
}
