// Register tiles: each computes a small block of C over the whole k from a packed panel of op(B)
// (pack.ts) and rows of op(A), keeping the block in f32x4 accumulators, then stores it through
// the epilogue. 4×8 (8 accumulators) is the main tile: larger tiles spill registers in V8.
// 4×4 serves panels of at most 4 columns (n = 10 leaves 2), 1×8 and 1×4 the last rows. (An 8×4
// tile spilled: V8 hoists its 8 broadcasts, wanting 17 registers of the 15 it has.)
//
// op(A)[i, p] is read at ap + r*aRow + p*aCol: with transA the 4 rows of a step are
// adjacent floats, read with constant offsets; `transA` is always a literal at the call site so
// the inlined copy keeps only one branch.
import { finishElement } from './scalar';

/**
 * Stores up to 4 columns of C from their sums `v` (cnt of them are real): + bias (biasp = the
 * address of the first column's bias, or 0), then + old C when accumulating; as finishElement.
 */
// @ts-ignore: decorator
@inline function finish4(cp: usize, v: v128, biasp: usize, accumulate: bool, cnt: i32): void {
  if (cnt >= 4) {
    if (biasp) v = f32x4.add(v, v128.load(biasp));
    if (accumulate) v = f32x4.add(v128.load(cp), v);
    v128.store(cp, v);
    return;
  }
  // lanes one by one, so nothing past column n is read or written
  if (cnt > 0) finishElement(cp, f32x4.extract_lane(v, 0), biasp, accumulate);
  if (cnt > 1) finishElement(cp + 4, f32x4.extract_lane(v, 1), biasp ? biasp + 4 : 0, accumulate);
  if (cnt > 2) finishElement(cp + 8, f32x4.extract_lane(v, 2), biasp ? biasp + 8 : 0, accumulate);
}

/** Stores one row of 8 columns (cols of them real) of a tile. */
// @ts-ignore: decorator
@inline function finish8(cp: usize, v0: v128, v1: v128, biasp: usize, accumulate: bool, cols: i32): void {
  finish4(cp, v0, biasp, accumulate, cols);
  if (cols > 4) finish4(cp + 16, v1, biasp ? biasp + 16 : 0, accumulate, cols - 4);
}

/** C[4×8] at cp (rows cRow bytes apart) from 4 rows of op(A) at ap and a k×8 panel. */
// @ts-ignore: decorator
@inline export function tile4x8(
  ap: usize, aRow: usize, aCol: usize, transA: bool, panel: usize, k: i32,
  cp: usize, cRow: usize, biasp: usize, accumulate: bool, cols: i32,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const aRow2 = aRow + aRow;
  const aRow3 = aRow2 + aRow;
  let bp = panel;
  const end = panel + (<usize>k << 5);
  while (bp < end) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let x0: v128, x1: v128, x2: v128, x3: v128;
    if (transA) {
      x0 = v128.load32_splat(ap);
      x1 = v128.load32_splat(ap, 4);
      x2 = v128.load32_splat(ap, 8);
      x3 = v128.load32_splat(ap, 12);
    } else {
      x0 = v128.load32_splat(ap);
      x1 = v128.load32_splat(ap + aRow);
      x2 = v128.load32_splat(ap + aRow2);
      x3 = v128.load32_splat(ap + aRow3);
    }
    c00 = f32x4.add(c00, f32x4.mul(x0, b0));
    c01 = f32x4.add(c01, f32x4.mul(x0, b1));
    c10 = f32x4.add(c10, f32x4.mul(x1, b0));
    c11 = f32x4.add(c11, f32x4.mul(x1, b1));
    c20 = f32x4.add(c20, f32x4.mul(x2, b0));
    c21 = f32x4.add(c21, f32x4.mul(x2, b1));
    c30 = f32x4.add(c30, f32x4.mul(x3, b0));
    c31 = f32x4.add(c31, f32x4.mul(x3, b1));
    ap += aCol;
    bp += 32;
  }
  finish8(cp, c00, c01, biasp, accumulate, cols);
  finish8(cp + cRow, c10, c11, biasp, accumulate, cols);
  finish8(cp + 2 * cRow, c20, c21, biasp, accumulate, cols);
  finish8(cp + 3 * cRow, c30, c31, biasp, accumulate, cols);
}

/** C[1×8] at cp from one row of op(A) at ap and a k×8 panel. */
// @ts-ignore: decorator
@inline export function tile1x8(
  ap: usize, aCol: usize, panel: usize, k: i32,
  cp: usize, biasp: usize, accumulate: bool, cols: i32,
): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  let bp = panel;
  const end = panel + (<usize>k << 5);
  while (bp < end) {
    const x = v128.load32_splat(ap);
    c0 = f32x4.add(c0, f32x4.mul(x, v128.load(bp)));
    c1 = f32x4.add(c1, f32x4.mul(x, v128.load(bp, 16)));
    ap += aCol;
    bp += 32;
  }
  finish8(cp, c0, c1, biasp, accumulate, cols);
}

/** C[4×4] at cp (rows cRow bytes apart) from 4 rows of op(A) at ap and a k×4 panel. */
// @ts-ignore: decorator
@inline export function tile4x4(
  ap: usize, aRow: usize, aCol: usize, transA: bool, panel: usize, k: i32,
  cp: usize, cRow: usize, biasp: usize, accumulate: bool, cols: i32,
): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  const aRow2 = aRow + aRow;
  const aRow3 = aRow2 + aRow;
  let bp = panel;
  const end = panel + (<usize>k << 4);
  while (bp < end) {
    const y = v128.load(bp);
    let x0: v128, x1: v128, x2: v128, x3: v128;
    if (transA) {
      x0 = v128.load32_splat(ap);
      x1 = v128.load32_splat(ap, 4);
      x2 = v128.load32_splat(ap, 8);
      x3 = v128.load32_splat(ap, 12);
    } else {
      x0 = v128.load32_splat(ap);
      x1 = v128.load32_splat(ap + aRow);
      x2 = v128.load32_splat(ap + aRow2);
      x3 = v128.load32_splat(ap + aRow3);
    }
    c0 = f32x4.add(c0, f32x4.mul(x0, y));
    c1 = f32x4.add(c1, f32x4.mul(x1, y));
    c2 = f32x4.add(c2, f32x4.mul(x2, y));
    c3 = f32x4.add(c3, f32x4.mul(x3, y));
    ap += aCol;
    bp += 16;
  }
  finish4(cp, c0, biasp, accumulate, cols);
  finish4(cp + cRow, c1, biasp, accumulate, cols);
  finish4(cp + 2 * cRow, c2, biasp, accumulate, cols);
  finish4(cp + 3 * cRow, c3, biasp, accumulate, cols);
}

/** C[1×4] at cp from one row of op(A) at ap and a k×4 panel. */
// @ts-ignore: decorator
@inline export function tile1x4(
  ap: usize, aCol: usize, panel: usize, k: i32,
  cp: usize, biasp: usize, accumulate: bool, cols: i32,
): void {
  let c0 = f32x4.splat(0);
  let bp = panel;
  const end = panel + (<usize>k << 4);
  while (bp < end) {
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(ap), v128.load(bp)));
    ap += aCol;
    bp += 16;
  }
  finish4(cp, c0, biasp, accumulate, cols);
}
