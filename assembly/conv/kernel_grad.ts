// The kernel gradient of a convolution: dK[q, o] (+)= Σ_r P[r, q]·dY[r, o] over all output
// positions r, with P the patch matrix. The sum runs block by block: each block's partial sum
// (the matmul's order over r within it) is added to dK in block order. Block sizes depend only on
// the geometry (sumRows, blocks.ts), so the rounding is fixed.
// The SIMD path computes each block's partial sums as dYᵀ·P (the matmul with TRANS_A), which
// packs the patch rows straight into the matmul's panels and keeps dYᵀ of the block (outC rows)
// in L1, then adds them transposed into dK. The scalar path, and small patches (a first layer's
// 3×3×1, which would fill little of dYᵀ·P's last panel), compute Pᵀ·dY directly. The products are
// the same (f32 multiplication commutes) and summed in the same order: the same bits.
import { Window, outputRows, patchSize } from './window';
import { packArea, rowAt, sumRows } from './blocks';
import { im2colRows } from './im2col';
import { CONV_ACCUMULATE, CONV_SCALAR } from './flags';
import { ACCUMULATE, TRANS_A } from '../matmul/flags';
import { matmulBlock, matmulPackBytes } from '../matmul/simd';
import { matmulScalar } from '../matmul/scalar';

/** Patches shorter than this take Pᵀ·dY on the SIMD path (measured: 3×3×1 runs ~15 % faster). */
const SMALL_PATCH = 16;

/** dk (+)= corr(x, dy): shapes as conv2d (forward.ts); dk is [kH, kW, inC, outC]. */
export function conv2dKernelGrad(x: usize, dy: usize, dk: usize, geometry: usize, flags: i32, scratch: usize): void {
  const g = changetype<Window>(geometry);
  conv2dKernelGradBlock(x, dy, dk, geometry, flags, scratch, 0, g.outC, 0, patchSize(g));
}

/**
 * The block dk[q0 .. q1-1, c0 .. c1-1] of conv2dKernelGrad (dk read as [kH·kW·inC, outC]) through
 * matmulBlock, with the same blocks of output rows and the same order of sums, so threads (each
 * with its own scratch) take blocks of dk. The scalar path (CONV_SCALAR) always computes the
 * whole of dk: use it with the whole block.
 */
export function conv2dKernelGradBlock(
  x: usize, dy: usize, dk: usize, geometry: usize, flags: i32, scratch: usize,
  c0: i32, c1: i32, q0: i32, q1: i32,
): void {
  const g = changetype<Window>(geometry);
  const total = outputRows(g);
  const k = patchSize(g);
  const o = g.outC;
  const pack = packArea(scratch, g);
  // the SIMD path's block sums dYᵀ·P [o × k] sit after the matmul's scratch
  const sums = pack + <usize>matmulPackBytes(o, sumRows(g), k, TRANS_A);
  let accumulate = (flags & CONV_ACCUMULATE) != 0;
  if (total == 0 && !accumulate) {
    for (let q = q0; q < q1; q++) memory.fill(rowAt(dk, q, o) + (<usize>c0 << 2), 0, <usize>(c1 - c0) << 2); // an empty sum
  }
  for (let r0 = 0; r0 < total; r0 += sumRows(g)) {
    const rows = min(sumRows(g), total - r0);
    im2colRows(x, g, r0, rows, scratch);
    const dyBlock = rowAt(dy, r0, o);
    const direct = TRANS_A | (accumulate ? ACCUMULATE : 0);
    if (flags & CONV_SCALAR) {
      matmulScalar(scratch, dyBlock, dk, k, rows, o, direct, 0, pack);
    } else if (k < SMALL_PATCH) {
      matmulBlock(scratch, dyBlock, dk, k, rows, o, direct, 0, pack, q0, q1, c0, c1);
    } else {
      matmulBlock(dyBlock, scratch, sums, o, rows, k, TRANS_A, 0, pack, c0, c1, q0, q1);
      addTransposed(sums, dk, o, k, accumulate, c0, c1, q0, q1);
    }
    accumulate = true;
  }
}

/**
 * dst[k×m] = src[m×k]ᵀ, or dst += that (element by element, as the matmul's ACCUMULATE), for the
 * block src[i0 .. i1-1, q0 .. q1-1].
 */
function addTransposed(src: usize, dst: usize, m: i32, k: i32, accumulate: bool, i0: i32, i1: i32, q0: i32, q1: i32): void {
  for (let q = q0; q < q1; q++) {
    const d = dst + ((<usize>q * m) << 2);
    for (let i = i0; i < i1; i++) {
      const s = load<f32>(src + ((<usize>i * k + q) << 2));
      const p = d + (<usize>i << 2);
      store<f32>(p, accumulate ? load<f32>(p) + s : s);
    }
  }
}
