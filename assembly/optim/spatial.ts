// Spatial averaging of the Hessian diagonal: D = mean of |h| over some axes, kept as size-1 axes,
// then broadcast back (with broadcastAxis of assembly/ops/reduce.ts). The host collapses a leaf's
// shape into [outer, mid, inner] blocks, one per run of averaged axes, and calls this kernel once
// per run.

import { at } from './lanes';

/**
 * dst[o, i] = mean over j of |src[o, j, i]| for src of shape [outer, mid, inner].
 *
 * Summation order (fixed, so results never vary): with inner = 1 the mid values of a row are
 * contiguous; four lane sums take j = 0, 4, 8, ... / 1, 5, 9, ... / ... up to the last multiple
 * of 4, combine as (s0 + s1) + (s2 + s3), then the leftover values are added one by one.
 * With inner > 1 every output sums its column for j = 0, 1, 2, ... in order, whether its lane is
 * in the f32x4 body or the scalar tail. The sum is then divided by mid.
 */
export function spatialMeanAbs(src: usize, dst: usize, outer: i32, mid: i32, inner: i32): void {
  const count = <f32>mid;
  if (inner == 1) {
    for (let o = 0; o < outer; o++) {
      const row = src + ((<usize>o * <usize>mid) << 2);
      let lanes = f32x4.splat(0);
      let j = 0;
      for (; j + 4 <= mid; j += 4) lanes = f32x4.add(lanes, f32x4.abs(v128.load(at(row, j))));
      let sum =
        (f32x4.extract_lane(lanes, 0) + f32x4.extract_lane(lanes, 1)) +
        (f32x4.extract_lane(lanes, 2) + f32x4.extract_lane(lanes, 3));
      for (; j < mid; j++) sum += Mathf.abs(load<f32>(at(row, j)));
      store<f32>(at(dst, o), sum / count);
    }
    return;
  }
  const vCount = f32x4.splat(count);
  for (let o = 0; o < outer; o++) {
    const block = src + ((<usize>o * <usize>mid * <usize>inner) << 2);
    const out = dst + ((<usize>o * <usize>inner) << 2);
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      let sum = f32x4.splat(0);
      for (let j = 0; j < mid; j++) {
        sum = f32x4.add(sum, f32x4.abs(v128.load(at(block, j * inner + i))));
      }
      v128.store(at(out, i), f32x4.div(sum, vCount));
    }
    for (; i < inner; i++) {
      let sum: f32 = 0;
      for (let j = 0; j < mid; j++) sum += Mathf.abs(load<f32>(at(block, j * inner + i)));
      store<f32>(at(out, i), sum / count);
    }
  }
}
