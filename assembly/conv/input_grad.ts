// The input gradient of a convolution (a transposed convolution): dx += col2im(dY·Kᵀ). Per block
// of output rows, the patch gradients dY[rows, outC]·Kᵀ come from the matmul (TRANS_B: K is
// stored [kH·kW·inC, outC]), then col2im adds them into dx in row order (col2im.ts), so every
// element of dx sums its contributions in one fixed order, whatever the block size.
import { Window, outputRows, patchSize } from './window';
import { blockRows, gemm, packAfterPatches, rowAt } from './blocks';
import { col2imRows } from './col2im';
import { TRANS_B } from '../matmul/flags';

/** dx += convᵀ(dy, kernel): shapes as conv2d (forward.ts); dx is always accumulated into. */
export function conv2dInputGrad(dy: usize, kernel: usize, dx: usize, geometry: usize, flags: i32, scratch: usize): void {
  const g = changetype<Window>(geometry);
  const total = outputRows(g);
  for (let r0 = 0; r0 < total; r0 += blockRows(g)) {
    const rows = min(blockRows(g), total - r0);
    gemm(flags, rowAt(dy, r0, g.outC), kernel, scratch, rows, g.outC, patchSize(g), TRANS_B, packAfterPatches(scratch, g));
    col2imRows(scratch, g, r0, rows, dx);
  }
}
