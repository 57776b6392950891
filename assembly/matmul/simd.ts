// The SIMD matmul: C = op(A)·op(B) (+ bias) in f32x4 register tiles, same bits as scalar.ts.
//
// Blocking: op(B) is cut into panels of 8 columns (the last one 4 wide when at most 4 columns
// remain), packed GROUP panels at a time into the scratch (pack.ts). Every block of 4 rows of
// op(A) then runs over one panel (k×8 floats: 25 KiB for k = 784, so it stays in L1) before the
// next panel. op(A) is re-read per panel; for the shapes we train with (m = 128) it fits in L2.
// Packing matters at m = 128: with one panel at a time, copying B cost ~5% of A·B at
// 128×784×1024 (strided 32-byte reads); four at a time it is ~2%.
import { ACCUMULATE, TRANS_A, TRANS_B } from './flags';
import { packFullPanels, packLastPanel, panelBytes } from './pack';
import { tile1x4, tile1x8, tile4x8, tile4x4 } from './tiles';

/** Full panels packed together: reading 8*GROUP floats of each row of B at a time. */
const GROUP = 4;

/**
 * Bytes of scratch `pack` that matmul and matmulScalar need: GROUP packed k×8 panels for the
 * SIMD path, one row of n sums for the scalar path. (m and flags are part of the contract so the
 * blocking can change without the host noticing.) Returns -1 when that exceeds 2 GiB.
 */
export function matmulPackBytes(m: i32, k: i32, n: i32, flags: i32): i32 {
  // with TRANS_A, op(A) is first copied out row-major (m×k) after the panels: see transposeA
  const aCopy: i64 = copiesA(flags, n) ? <i64>m * k * 4 : 0;
  const bytes = max(<i64>k * 8 * GROUP, <i64>n) * 4 + aCopy;
  return bytes > <i64>i32.MAX_VALUE ? -1 : <i32>bytes; // -1: more than 2 GiB, no such call fits
}

/**
 * Whether op(A) is copied out row-major first (TRANS_A): worth it when the copy (m·k moves) is
 * spread over enough columns; for a narrow C (the n = 10 output layer) the strided reads win.
 */
const COPY_A_MIN_N = 32;
// @ts-ignore: decorator
@inline function copiesA(flags: i32, n: i32): bool {
  return (flags & TRANS_A) != 0 && n >= COPY_A_MIN_N;
}

/** All rows of C for one 8-wide panel (cols real columns) at column cp. */
export function rowsOfPanel8(
  a: usize, aRow: usize, aCol: usize, transA: bool, m: i32, panel: usize, k: i32,
  cp: usize, cRow: usize, biasp: usize, accumulate: bool, cols: i32,
): void {
  let i = 0;
  if (transA) {
    for (; i + 4 <= m; i += 4) {
      tile4x8(a + <usize>i * aRow, aRow, aCol, true, panel, k, cp + <usize>i * cRow, cRow, biasp, accumulate, cols);
    }
  } else {
    for (; i + 4 <= m; i += 4) {
      tile4x8(a + <usize>i * aRow, aRow, aCol, false, panel, k, cp + <usize>i * cRow, cRow, biasp, accumulate, cols);
    }
  }
  for (; i < m; i++) {
    tile1x8(a + <usize>i * aRow, aCol, panel, k, cp + <usize>i * cRow, biasp, accumulate, cols);
  }
}

/** All rows of C for one 4-wide panel (cols ≤ 4 real columns) at column cp. */
export function rowsOfPanel4(
  a: usize, aRow: usize, aCol: usize, transA: bool, m: i32, panel: usize, k: i32,
  cp: usize, cRow: usize, biasp: usize, accumulate: bool, cols: i32,
): void {
  let i = 0;
  if (transA) {
    for (; i + 4 <= m; i += 4) {
      tile4x4(a + <usize>i * aRow, aRow, aCol, true, panel, k, cp + <usize>i * cRow, cRow, biasp, accumulate, cols);
    }
  } else {
    for (; i + 4 <= m; i += 4) {
      tile4x4(a + <usize>i * aRow, aRow, aCol, false, panel, k, cp + <usize>i * cRow, cRow, biasp, accumulate, cols);
    }
  }
  for (; i < m; i++) {
    tile1x4(a + <usize>i * aRow, aCol, panel, k, cp + <usize>i * cRow, biasp, accumulate, cols);
  }
}

/**
 * C[m×n] = op(A)·op(B) (+ bias); flags, layouts and the summation order are in flags.ts.
 * `pack` is scratch of matmulPackBytes(m, k, n, flags) bytes (16-byte aligned is best).
 */
export function matmul(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, flags: i32, bias: usize, pack: usize,
): void {
  matmulBlock(a, b, c, m, k, n, flags, bias, pack, 0, m, 0, n);
}

/**
 * The block C[i0..i1, j0..j1] of matmul(a, b, c, m, k, n, flags, bias, pack), nothing else of C
 * written: every element gets exactly the products and the order it gets from matmul, so blocks
 * computed by different threads (each with its own `pack`) assemble into the same bits. Any
 * ranges do; cuts at multiples of 8 columns (the panels) pack and run fastest.
 */
export function matmulBlock(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, flags: i32, bias: usize, pack: usize,
  i0: i32, i1: i32, j0: i32, j1: i32,
): void {
  const rows = i1 - i0;
  if (rows <= 0 || j1 <= j0) return;
  const transB = (flags & TRANS_B) != 0;
  const accumulate = (flags & ACCUMULATE) != 0;
  // A stored k×m is read by the tiles with a stride of m floats per step of p: for m = 1024 that
  // is 4 KiB, which maps every row onto the same L1 sets. Copying op(A) out row-major first costs
  // m·k moves against m·k·n multiply-adds, and the tiles then stream along rows (see copiesA).
  // Same products, same order: same bits.
  let transA = (flags & TRANS_A) != 0;
  // op(A)[i, p] is at a + i*aRow + p*aCol (bytes); a points at row i0
  let aRow: usize = transA ? 4 : <usize>k << 2;
  let aCol: usize = transA ? <usize>m << 2 : 4;
  a += <usize>i0 * aRow;
  if (copiesA(flags, n)) {
    const aCopy = pack + <usize>(max(k * 8 * GROUP, n) << 2);
    transposeA(a, aCopy, rows, k, m);
    a = aCopy;
    transA = false;
    aRow = <usize>k << 2;
    aCol = 4;
  }
  const cRow: usize = <usize>n << 2;
  c += <usize>i0 * cRow;

  // full 8-column panels, packed GROUP at a time
  const fullPanels = (j1 - j0) >> 3;
  for (let q0 = 0; q0 < fullPanels; q0 += GROUP) {
    const count = min(GROUP, fullPanels - q0);
    packFullPanels(b, pack, k, n, j0 + (q0 << 3), count, transB);
    for (let q = 0; q < count; q++) {
      const j = j0 + ((q0 + q) << 3);
      const biasp = bias ? bias + (<usize>j << 2) : 0;
      const panel = pack + <usize>q * panelBytes(k);
      rowsOfPanel8(a, aRow, aCol, transA, rows, panel, k, c + (<usize>j << 2), cRow, biasp, accumulate, 8);
    }
  }
  // the last (j1 - j0) % 8 columns: one zero-padded panel, 4 wide when that suffices
  const jLast = j0 + (fullPanels << 3);
  const cols = j1 - jLast;
  if (cols > 0) {
    const width = cols > 4 ? 8 : 4;
    packLastPanel(b, pack, k, n, jLast, cols, width, transB);
    const biasp = bias ? bias + (<usize>jLast << 2) : 0;
    const cp = c + (<usize>jLast << 2);
    if (width == 8) {
      rowsOfPanel8(a, aRow, aCol, transA, rows, pack, k, cp, cRow, biasp, accumulate, cols);
    } else {
      rowsOfPanel4(a, aRow, aCol, transA, rows, pack, k, cp, cRow, biasp, accumulate, cols);
    }
  }
}

/** Whether matmul copies op(A) out row-major before multiplying (1), or reads it strided (0). */
export function matmulCopiesA(flags: i32, n: i32): i32 {
  return copiesA(flags, n) ? 1 : 0;
}

/**
 * Rows i0 .. i1-1 of op(A), for A stored transposed (k×m), written row-major at dst (the whole
 * op(A) is m×k there) as matmulBlock copies them before multiplying. A split matmul's threads
 * each copy their rows of one shared copy this way, instead of each part copying all of op(A);
 * matmulBlock then runs on it without TRANS_A: the same products in the same order.
 */
export function matmulTransposeA(a: usize, dst: usize, m: i32, k: i32, i0: i32, i1: i32): void {
  if (i1 <= i0) return;
  transposeA(a + (<usize>i0 << 2), dst + <usize>i0 * (<usize>k << 2), i1 - i0, k, m);
}

/**
 * dst[m×k] (row-major) = the transpose of the k×m block at src whose rows are `stride` floats
 * apart, in 4×4 blocks transposed in registers so that both sides move whole 16-byte rows; the
 * edges (m or k not a multiple of 4) go one by one.
 */
function transposeA(src: usize, dst: usize, m: i32, k: i32, stride: i32): void {
  const srcRow: usize = <usize>stride << 2;
  const dstRow: usize = <usize>k << 2;
  const m4 = m & ~3;
  const k4 = k & ~3;
  for (let p = 0; p < k4; p += 4) {
    const s0 = src + <usize>p * srcRow;
    const d0 = dst + (<usize>p << 2);
    for (let i = 0; i < m4; i += 4) {
      const s = s0 + (<usize>i << 2);
      const r0 = v128.load(s);
      const r1 = v128.load(s + srcRow);
      const r2 = v128.load(s + 2 * srcRow);
      const r3 = v128.load(s + 3 * srcRow);
      const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5); // a0 b0 a1 b1
      const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5); // c0 d0 c1 d1
      const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7); // a2 b2 a3 b3
      const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7); // c2 d2 c3 d3
      const d = d0 + <usize>i * dstRow;
      v128.store(d, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
      v128.store(d + dstRow, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
      v128.store(d + 2 * dstRow, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
      v128.store(d + 3 * dstRow, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
    }
  }
  // edges: the last m % 4 columns of every row, then the last k % 4 rows
  for (let p = 0; p < k4; p++) {
    for (let i = m4; i < m; i++) {
      store<f32>(dst + <usize>i * dstRow + (<usize>p << 2), load<f32>(src + <usize>p * srcRow + (<usize>i << 2)));
    }
  }
  for (let p = k4; p < k; p++) {
    for (let i = 0; i < m; i++) {
      store<f32>(dst + <usize>i * dstRow + (<usize>p << 2), load<f32>(src + <usize>p * srcRow + (<usize>i << 2)));
    }
  }
}
