// The input gradient of a convolution (a transposed convolution): dx += col2im(dY·Kᵀ). Per block
// of output rows, the patch gradients dY[rows, outC]·Kᵀ come from the matmul (TRANS_B: K is
// stored [kH·kW·inC, outC]), then col2im adds them into dx in row order (col2im.ts), so every
// element of dx sums its contributions in one fixed order, whatever the block size.
import { Window, outputRows, patchSize } from './window';
import { blockRows, packAfterPatches } from './blocks';
import { col2imRows } from './col2im';
import { CONV_SCALAR } from './flags';
import { TRANS_B } from '../matmul/flags';
import { matmul } from '../matmul/simd';
import { matmulScalar } from '../matmul/scalar';

/** dx += convᵀ(dy, kernel): shapes as conv2d (forward.ts); dx is always accumulated into. */
export function conv2dInputGrad(dy: usize, kernel: usize, dx: usize, geometry: usize, flags: i32, scratch: usize): void {
  const g = changetype<Window>(geometry);
  const total = outputRows(g);
  const block = blockRows(g);
  const k = patchSize(g);
  const o = g.outC;
  const pack = packAfterPatches(scratch, g);
  const scalar = (flags & CONV_SCALAR) != 0;
  for (let r0 = 0; r0 < total; r0 += block) {
    const rows = min(block, total - r0);
    const dyBlock = dy + ((<usize>r0 * o) << 2);
    if (scalar) matmulScalar(dyBlock, kernel, scratch, rows, o, k, TRANS_B, 0, pack);
    else matmul(dyBlock, kernel, scratch, rows, o, k, TRANS_B, 0, pack);
    col2imRows(scratch, g, r0, rows, dx);
  }
}
