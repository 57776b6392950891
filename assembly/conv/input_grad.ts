// The input gradient of a convolution (a transposed convolution): dx += col2im(dY·Kᵀ). Kᵀ is
// packed once (K is stored [kH·kW·inC, outC]); per block of output rows the patch gradients
// dY[rows, outC]·Kᵀ come from the matmul's tiles (blocks.ts), then col2im adds them into dx in row
// order (col2im.ts), so every element of dx sums its contributions in one fixed order.
import { Window, patchSize } from './window';
import { blockProduct, packArea, prepareB, productRows, rowAt } from './blocks';
import { col2imRows } from './col2im';

/** dx += convᵀ(dy, kernel): shapes as conv2d (forward.ts); dx is always accumulated into. */
export function conv2dInputGrad(dy: usize, kernel: usize, dx: usize, geometry: usize, flags: i32, scratch: usize): void {
  conv2dInputGradImages(dy, kernel, dx, geometry, flags, scratch, 0, changetype<Window>(geometry).batch);
}

/**
 * Images first .. end-1 of conv2dInputGrad: an image's dx receives only from its own output rows,
 * still in row order, so threads (each with its own scratch) take ranges of images.
 */
export function conv2dInputGradImages(
  dy: usize, kernel: usize, dx: usize, geometry: usize, flags: i32, scratch: usize, first: i32, end: i32,
): void {
  const g = changetype<Window>(geometry);
  const total = end * g.outH * g.outW;
  const k = patchSize(g);
  const pack = packArea(scratch, g);
  prepareB(flags, kernel, pack, g.outC, k, true);
  for (let r0 = first * g.outH * g.outW; r0 < total; r0 += productRows(g)) {
    const rows = min(productRows(g), total - r0);
    blockProduct(flags, rowAt(dy, r0, g.outC), kernel, pack, scratch, rows, g.outC, k, true, false);
    col2imRows(scratch, g, r0, rows, dx);
  }
}
