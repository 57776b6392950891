// Small helpers the optimizer kernels share. Every kernel runs an f32x4 body and a scalar tail
// that does the same IEEE operations in the same order, so both give the same bits.

/** Byte address of float `i` of the array at `p`. */
// @ts-ignore: decorator
@inline export function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/**
 * Accumulates `a - a` into `acc`: 0 for a finite value, NaN for NaN or ±Inf, and NaN stays NaN.
 * One subtraction and one addition per value lets a kernel report bad inputs without a second
 * pass over memory.
 */
// @ts-ignore: decorator
@inline export function flagNonFinite(acc: v128, a: v128): v128 {
  return f32x4.add(acc, f32x4.sub(a, a));
}

// @ts-ignore: decorator
@inline export function flagNonFiniteScalar(acc: f32, a: f32): f32 {
  return acc + (a - a);
}

/** 1 when any lane of the vector flag or the scalar flag saw a non-finite value, else 0. */
// @ts-ignore: decorator
@inline export function sawNonFinite(vectorFlag: v128, scalarFlag: f32): i32 {
  return <i32>(v128.any_true(f32x4.ne(vectorFlag, vectorFlag)) || scalarFlag != scalarFlag);
}

/**
 * 1 - b^t in float64, rounded to float32 once: the bias correction of a moment with decay b
 * after t updates. Computed in wasm so no host Math touches the numbers.
 */
// @ts-ignore: decorator
@inline export function biasCorrection(b: f64, t: f64): f32 {
  return <f32>(1.0 - Math.pow(b, t));
}
