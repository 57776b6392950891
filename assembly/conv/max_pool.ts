// Max pooling with the position of each maximum recorded, for the derivative rules (gather.ts,
// scatter_add.ts). Per channel the window is scanned in row-major order over its non-padding
// positions: the first position is taken, then a later one replaces it only when strictly greater,
// or when it is NaN and the current one is not. So the result is the window's first maximum, and
// a NaN anywhere in the window makes the output NaN (the first NaN), as in JAX. A window entirely
// on padding gives -Infinity and index -1 (no derivative).
// The f32x4 body selects lane by lane with the same comparisons as the scalar tail: same bits.
import { Window, advance, dxHi, dxLo, dyHi, dyLo, inputIndex, insideCount, outputRows, seek } from './window';

/** y = maxPool(x); argmax[i] = flat index into x of y[i]'s element (i32), or -1. */
export function maxPool(x: usize, y: usize, argmax: usize, geometry: usize): void {
  maxPoolRows(x, y, argmax, geometry, 0, outputRows(changetype<Window>(geometry)));
}

/**
 * Output positions first .. end-1 of maxPool, nothing else of y or argmax written. A position's
 * values do not depend on the others, so threads take ranges.
 */
export function maxPoolRows(x: usize, y: usize, argmax: usize, geometry: usize, first: i32, end: i32): void {
  const g = changetype<Window>(geometry);
  const c = g.inC;
  const lanes = i32x4(0, 1, 2, 3);
  y += (<usize>first * <usize>c) << 2;
  argmax += (<usize>first * <usize>c) << 2;
  seek(g, first);
  for (let r = first; r < end; r++) {
    if (insideCount() == 0) {
      for (let i = 0; i < c; i++) {
        store<f32>(y + (<usize>i << 2), -Infinity);
        store<i32>(argmax + (<usize>i << 2), -1);
      }
    } else {
      const first = inputIndex(g, dyLo, dxLo);
      let i = 0;
      for (; i + 4 <= c; i += 4) {
        let best = v128.load(x + (<usize>(first + i) << 2));
        let at = i32x4.add(i32x4.splat(first + i), lanes);
        for (let dy = dyLo; dy < dyHi; dy++) {
          for (let dx = dxLo; dx < dxHi; dx++) {
            const index = inputIndex(g, dy, dx) + i;
            const v = v128.load(x + (<usize>index << 2));
            // v > best, or v is NaN while best is not
            const take = v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
            best = v128.bitselect(v, best, take);
            at = v128.bitselect(i32x4.add(i32x4.splat(index), lanes), at, take);
          }
        }
        v128.store(y + (<usize>i << 2), best);
        v128.store(argmax + (<usize>i << 2), at);
      }
      for (; i < c; i++) {
        let best = load<f32>(x + (<usize>(first + i) << 2));
        let at = first + i;
        for (let dy = dyLo; dy < dyHi; dy++) {
          for (let dx = dxLo; dx < dxHi; dx++) {
            const index = inputIndex(g, dy, dx) + i;
            const v = load<f32>(x + (<usize>index << 2));
            if (v > best || (v != v && best == best)) {
              best = v;
              at = index;
            }
          }
        }
        store<f32>(y + (<usize>i << 2), best);
        store<i32>(argmax + (<usize>i << 2), at);
      }
    }
    y += <usize>c << 2;
    argmax += <usize>c << 2;
    advance(g);
  }
}
