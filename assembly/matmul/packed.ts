// op(B) packed once, then multiplied by many blocks of rows of A: for a GEMM whose A arrives block
// by block (a convolution's patch rows, made as they are needed), so that B is not packed again
// for every block. The same register tiles and panels as matmul (simd.ts), the same summation
// order (flags.ts): the same bits as matmul and matmulScalar.
import { packFullPanels, packLastPanel, panelBytes } from './pack';
import { rowsOfPanel4, rowsOfPanel8 } from './simd';

/** Width of the last panel for n columns: 0 (none), 4 or 8. */
// @ts-ignore: decorator
@inline function lastWidth(n: i32): i32 {
  const cols = n & 7;
  return cols == 0 ? 0 : cols > 4 ? 8 : 4;
}

/** Bytes packB writes for op(B) of k×n: the full 8-wide panels, then one 8- or 4-wide panel. */
export function packedBBytes(k: i32, n: i32): i32 {
  const bytes = <i64>k * ((n & ~7) + lastWidth(n)) * 4;
  return bytes > <i64>i32.MAX_VALUE ? -1 : <i32>bytes;
}

/** Packs all of op(B) (k×n; B stored n×k with transB) into panels at pack. */
export function packB(b: usize, pack: usize, k: i32, n: i32, transB: bool): void {
  const full = n >> 3;
  if (full > 0) packFullPanels(b, pack, k, n, 0, full, transB);
  const width = lastWidth(n);
  if (width) packLastPanel(b, pack + <usize>full * panelBytes(k), k, n, full << 3, n & 7, width, transB);
}

/** C[m×n] (+)= A·op(B), A row-major m×k, op(B) packed by packB(…, k, n, …). */
export function multiplyPacked(a: usize, pack: usize, c: usize, m: i32, k: i32, n: i32, accumulate: bool): void {
  if (m <= 0 || n <= 0) return;
  const aRow: usize = <usize>k << 2;
  const cRow: usize = <usize>n << 2;
  const full = n >> 3;
  for (let q = 0; q < full; q++) {
    const panel = pack + <usize>q * panelBytes(k);
    rowsOfPanel8(a, aRow, 4, false, m, panel, k, c + (<usize>q << 5), cRow, 0, accumulate, 8);
  }
  const width = lastWidth(n);
  if (width == 0) return;
  const panel = pack + <usize>full * panelBytes(k);
  const cp = c + (<usize>full << 5);
  if (width == 8) rowsOfPanel8(a, aRow, 4, false, m, panel, k, cp, cRow, 0, accumulate, n & 7);
  else rowsOfPanel4(a, aRow, 4, false, m, panel, k, cp, cRow, 0, accumulate, n & 7);
}
