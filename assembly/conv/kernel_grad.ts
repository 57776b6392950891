// The kernel gradient of a convolution: dK[q, o] (+)= Σ_r P[r, q]·dY[r, o], the patch matrix
// transposed times dY (the matmul's TRANS_A). The sum over all output positions r runs block by
// block: each block's partial sum (the matmul's order within it) is added to dK in block order.
// Block sizes depend only on the geometry (blocks.ts), so the rounding is fixed.
import { Window, outputRows, patchSize } from './window';
import { blockRows, gemm, packAfterPatches, rowAt } from './blocks';
import { im2colRows } from './im2col';
import { CONV_ACCUMULATE } from './flags';
import { ACCUMULATE, TRANS_A } from '../matmul/flags';

/** dk (+)= corr(x, dy): shapes as conv2d (forward.ts); dk is [kH, kW, inC, outC]. */
export function conv2dKernelGrad(x: usize, dy: usize, dk: usize, geometry: usize, flags: i32, scratch: usize): void {
  const g = changetype<Window>(geometry);
  const total = outputRows(g);
  const k = patchSize(g);
  let accumulate = (flags & CONV_ACCUMULATE) != 0;
  if (total == 0 && !accumulate) memory.fill(dk, 0, (<usize>k * g.outC) << 2); // an empty sum
  for (let r0 = 0; r0 < total; r0 += blockRows(g)) {
    const rows = min(blockRows(g), total - r0);
    im2colRows(x, g, r0, rows, scratch);
    const mm = TRANS_A | (accumulate ? ACCUMULATE : 0);
    gemm(flags, scratch, rowAt(dy, r0, g.outC), dk, k, rows, g.outC, mm, packAfterPatches(scratch, g));
    accumulate = true;
  }
}
