// The matmul contract shared by the SIMD path (simd.ts) and the scalar path (scalar.ts).
//
// C[m×n] = op(A)·op(B) (+ bias), all f32, row-major, pointers are byte addresses:
//   op(A)[i, p] = A[i*k + p]   or, with TRANS_A, A is stored k×m: A[p*m + i]
//   op(B)[p, j] = B[p*n + j]   or, with TRANS_B, B is stored n×k: B[j*k + p]
//   bias = 0: no bias, else a length-n vector added to every row.
// C must not overlap A, B, bias or the pack scratch.
//
// Summation order (both paths follow it exactly, so they give the same bits):
//   s = +0
//   for p = 0 .. k-1 in order:  s = s + (op(A)[i, p] * op(B)[p, j])   (product rounded, then sum)
//   if bias:                    s = s + bias[j]
//   C[i, j] = ACCUMULATE ? C[i, j] + s : s
// Wasm has no fused multiply-add in fixed-width SIMD, so an f32x4 lane doing these steps rounds
// exactly as the scalar code does. k = 0 leaves s = +0: C becomes bias (or +0), or C + bias.

/** A is stored transposed (k×m, row-major). */
export const TRANS_A: i32 = 1;
/** B is stored transposed (n×k, row-major). */
export const TRANS_B: i32 = 2;
/** C += result instead of C = result. */
export const ACCUMULATE: i32 = 4;
