// Convolution forward: y[r, o] = Σ_q P[r, q]·K[q, o], with P the patch matrix (im2col.ts) and K
// the HWIO kernel read as a [kH·kW·inC, outC] matrix (which it already is, row-major). K is packed
// once; each block of output rows is im2col'd into the scratch and multiplied (blocks.ts), so
// every element follows the matmul's summation order over q = (dy, dx, c).
import { Window, outputRows, patchSize } from './window';
import { blockProduct, packArea, prepareB, productRows, rowAt } from './blocks';
import { im2colRows } from './im2col';
import { CONV_ACCUMULATE } from './flags';

/**
 * y (+)= conv(x, kernel): x [batch, inH, inW, inC], kernel [kH, kW, inC, outC], y [batch, outH,
 * outW, outC]; `geometry` points at the Window, scratch holds convScratchBytes bytes.
 */
export function conv2d(x: usize, kernel: usize, y: usize, geometry: usize, flags: i32, scratch: usize): void {
  const g = changetype<Window>(geometry);
  const total = outputRows(g);
  const k = patchSize(g);
  const pack = packArea(scratch, g);
  prepareB(flags, kernel, pack, k, g.outC, false);
  for (let r0 = 0; r0 < total; r0 += productRows(g)) {
    const rows = min(productRows(g), total - r0);
    im2colRows(x, g, r0, rows, scratch);
    blockProduct(flags, scratch, kernel, pack, rowAt(y, r0, g.outC), rows, k, g.outC, false, (flags & CONV_ACCUMULATE) != 0);
  }
}
