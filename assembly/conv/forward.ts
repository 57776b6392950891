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
  conv2dRows(x, kernel, y, geometry, flags, scratch, 0, outputRows(changetype<Window>(geometry)));
}

/**
 * Output rows (positions) first .. end-1 of conv2d, nothing else of y written. A row's values do
 * not depend on the block it was computed in, so threads (each with its own scratch) take ranges.
 */
export function conv2dRows(
  x: usize, kernel: usize, y: usize, geometry: usize, flags: i32, scratch: usize, first: i32, end: i32,
): void {
  const g = changetype<Window>(geometry);
  const k = patchSize(g);
  const pack = packArea(scratch, g);
  prepareB(flags, kernel, pack, k, g.outC, false);
  for (let r0 = first; r0 < end; r0 += productRows(g)) {
    const rows = min(productRows(g), end - r0);
    im2colRows(x, g, r0, rows, scratch);
    blockProduct(flags, scratch, kernel, pack, rowAt(y, r0, g.outC), rows, k, g.outC, false, (flags & CONV_ACCUMULATE) != 0);
  }
}
