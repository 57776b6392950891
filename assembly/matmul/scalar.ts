// The scalar matmul: one f32 at a time, in the summation order of flags.ts. It is the reference
// the SIMD path must match bit for bit, and the "wasm scalar" figure of the benchmarks.
import { ACCUMULATE, TRANS_A, TRANS_B } from './flags';

/** Stores C[i, j] from its sum `s`: + bias[j] (biasp = its address, or 0), then + old C. */
// @ts-ignore: decorator
@inline export function finishElement(cp: usize, s: f32, biasp: usize, accumulate: bool): void {
  if (biasp) s = s + load<f32>(biasp);
  store<f32>(cp, accumulate ? load<f32>(cp) + s : s);
}

/**
 * C[m×n] = op(A)·op(B) (+ bias), see flags.ts. `pack` is scratch of matmulPackBytes(m, k, n,
 * flags) bytes: it holds one row of partial sums, so that B is read row by row when it is not
 * transposed (each C[i, j] still sums over p in order, only the j loop moved inside).
 */
export function matmulScalar(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, flags: i32, bias: usize, pack: usize,
): void {
  if (m <= 0 || n <= 0) return;
  const transA = (flags & TRANS_A) != 0;
  const transB = (flags & TRANS_B) != 0;
  const accumulate = (flags & ACCUMULATE) != 0;
  // op(A)[i, p] is at a + i*aRow + p*aCol (bytes)
  const aRow: usize = transA ? 4 : <usize>k << 2;
  const aCol: usize = transA ? <usize>m << 2 : 4;
  const cRow: usize = <usize>n << 2;

  for (let i = 0; i < m; i++) {
    const ai = a + <usize>i * aRow;
    const ci = c + <usize>i * cRow;
    if (transB) {
      // row j of the stored B is column j of op(B): a dot product per element
      for (let j = 0; j < n; j++) {
        const bj = b + <usize>j * (<usize>k << 2);
        let s: f32 = 0;
        for (let p = 0; p < k; p++) {
          s = s + load<f32>(ai + <usize>p * aCol) * load<f32>(bj + (<usize>p << 2));
        }
        finishElement(ci + (<usize>j << 2), s, bias ? bias + (<usize>j << 2) : 0, accumulate);
      }
    } else {
      memory.fill(pack, 0, cRow); // the row of sums starts at +0
      for (let p = 0; p < k; p++) {
        const aip = load<f32>(ai + <usize>p * aCol);
        const bp = b + <usize>p * cRow;
        for (let j = 0; j < n; j++) {
          const sp = pack + (<usize>j << 2);
          store<f32>(sp, load<f32>(sp) + aip * load<f32>(bp + (<usize>j << 2)));
        }
      }
      for (let j = 0; j < n; j++) {
        const s = load<f32>(pack + (<usize>j << 2));
        finishElement(ci + (<usize>j << 2), s, bias ? bias + (<usize>j << 2) : 0, accumulate);
      }
    }
  }
}
