// Convolution forward: y[r, o] = Σ_q P[r, q]·K[q, o], with P the patch matrix (im2col.ts) and K
// the HWIO kernel read as a [kH·kW·inC, outC] matrix (which it already is, row-major). Each block
// of output rows is im2col'd into the scratch and multiplied by the matmul kernel, so every
// element follows the matmul's summation order over q = (dy, dx, c), whatever the block size.
import { Window, outputRows, patchSize } from './window';
import { blockRows, gemm, packAfterPatches, rowAt } from './blocks';
import { im2colRows } from './im2col';
import { CONV_ACCUMULATE } from './flags';
import { ACCUMULATE } from '../matmul/flags';

/**
 * y (+)= conv(x, kernel): x [batch, inH, inW, inC], kernel [kH, kW, inC, outC], y [batch, outH,
 * outW, outC]; `geometry` points at the Window, scratch holds convScratchBytes bytes.
 */
export function conv2d(x: usize, kernel: usize, y: usize, geometry: usize, flags: i32, scratch: usize): void {
  const g = changetype<Window>(geometry);
  const total = outputRows(g);
  const block = blockRows(g);
  for (let r0 = 0; r0 < total; r0 += block) {
    const rows = min(block, total - r0);
    im2colRows(x, g, r0, rows, scratch);
    const mm = flags & CONV_ACCUMULATE ? ACCUMULATE : 0;
    gemm(flags, scratch, kernel, rowAt(y, r0, g.outC), rows, patchSize(g), g.outC, mm, packAfterPatches(scratch, g));
  }
}
