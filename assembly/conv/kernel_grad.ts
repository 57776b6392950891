// The kernel gradient of a convolution: dK[q, o] (+)= Σ_r P[r, q]·dY[r, o], the patch matrix
// transposed times dY (the matmul's TRANS_A). The sum over all output positions r runs block by
// block: each block's partial sum (the matmul's order within it) is added to dK in block order.
// Block sizes depend only on the geometry (blocks.ts), so the rounding is fixed.
import { Window, outputRows, patchSize } from './window';
import { blockRows, packAfterPatches } from './blocks';
import { im2colRows } from './im2col';
import { CONV_ACCUMULATE, CONV_SCALAR } from './flags';
import { ACCUMULATE, TRANS_A } from '../matmul/flags';
import { matmul } from '../matmul/simd';
import { matmulScalar } from '../matmul/scalar';

/** dk (+)= corr(x, dy): shapes as conv2d (forward.ts); dk is [kH, kW, inC, outC]. */
export function conv2dKernelGrad(x: usize, dy: usize, dk: usize, geometry: usize, flags: i32, scratch: usize): void {
  const g = changetype<Window>(geometry);
  const total = outputRows(g);
  const block = blockRows(g);
  const k = patchSize(g);
  const o = g.outC;
  const pack = packAfterPatches(scratch, g);
  const scalar = (flags & CONV_SCALAR) != 0;
  let accumulate = (flags & CONV_ACCUMULATE) != 0;
  if (total == 0 && !accumulate) memory.fill(dk, 0, (<usize>k * o) << 2); // an empty sum
  for (let r0 = 0; r0 < total; r0 += block) {
    const rows = min(block, total - r0);
    im2colRows(x, g, r0, rows, scratch);
    const mmFlags = TRANS_A | (accumulate ? ACCUMULATE : 0);
    const dyBlock = dy + ((<usize>r0 * o) << 2);
    if (scalar) matmulScalar(scratch, dyBlock, dk, k, rows, o, mmFlags, 0, pack);
    else matmul(scratch, dyBlock, dk, k, rows, o, mmFlags, 0, pack);
    accumulate = true;
  }
}
