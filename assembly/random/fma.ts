// a·b + c rounded once to float32: the fused multiply-add that XLA's CPU code uses wherever LLVM
// contracts a multiply feeding an add (JAX's uniform scaling, its erf, erf_inv and log1p
// polynomials). Wasm's fixed-width SIMD has no FMA (relaxed SIMD's differs across engines), so it
// is computed exactly in float64: a·b is exact there (24 + 24 bits), and the sum is rounded to odd
// before the final rounding to float32. A result rounded to odd in a format with at least 2p + 2
// bits (53 ≥ 2·24 + 2), then rounded to nearest in p bits, is the correctly rounded exact value
// (Boldo & Melquiond, "Emulation of FMA and correctly rounded sums", IEEE TC 2008).

/** fma(a, b, c) in float32, one rounding. */
@inline
export function fmaF32(a: f32, b: f32, c: f32): f32 {
  const p = <f64>a * <f64>b;
  const q = <f64>c;
  const s = p + q;
  // TwoSum: s + err is exactly p + q.
  const v = s - p;
  const err = (p - (s - v)) + (q - v);
  let bits = reinterpret<u64>(s);
  // Round to odd: an inexact sum with an even last bit moves one ulp toward the exact value.
  if ((err > 0 || err < 0) && (bits & 1) == 0) bits = (err > 0) == (s > 0) ? bits + 1 : bits - 1;
  return <f32>reinterpret<f64>(bits);
}

/** fmaF32 for two float64 lanes holding float32 values: a·b + c rounded to odd in float64. */
@inline
function productSumToOdd(a: v128, b: v128, c: v128): v128 {
  const p = f64x2.mul(a, b);
  const s = f64x2.add(p, c);
  const v = f64x2.sub(s, p);
  const err = f64x2.add(f64x2.sub(p, f64x2.sub(s, v)), f64x2.sub(c, v));
  const inexact = v128.or(f64x2.lt(err, f64x2.splat(0)), f64x2.gt(err, f64x2.splat(0)));
  const even = i64x2.eq(v128.and(s, i64x2.splat(1)), i64x2.splat(0));
  // +1 when err and s have the same sign (away from zero), else -1: (sign(s ^ err) >> 63) | 1.
  const step = v128.or(i64x2.shr_s(v128.xor(s, err), 63), i64x2.splat(1));
  return i64x2.add(s, v128.and(v128.and(inexact, even), step));
}

/** fmaF32 on each of four lanes. */
@inline
export function fmaF32x4(a: v128, b: v128, c: v128): v128 {
  const low = productSumToOdd(f64x2.promote_low_f32x4(a), f64x2.promote_low_f32x4(b), f64x2.promote_low_f32x4(c));
  const highA = f64x2.promote_low_f32x4(i32x4.shuffle(a, a, 2, 3, 0, 1));
  const highB = f64x2.promote_low_f32x4(i32x4.shuffle(b, b, 2, 3, 0, 1));
  const highC = f64x2.promote_low_f32x4(i32x4.shuffle(c, c, 2, 3, 0, 1));
  const high = productSumToOdd(highA, highB, highC);
  return i32x4.shuffle(f32x4.demote_f64x2_zero(low), f32x4.demote_f64x2_zero(high), 0, 1, 4, 5);
}
