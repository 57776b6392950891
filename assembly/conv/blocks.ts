// How the convolution GEMMs are cut into blocks of output positions (GEMM rows), so that the
// patch matrix of a whole batch never exists at once and what a block makes is still in cache
// when the matmul reads it.
// - forward and input gradient: the kernel is packed once into the matmul's panels (packed.ts of
//   assembly/matmul), then blocks of patch rows small enough for L1 (32 KiB) run through every
//   panel. Each output element is one dot product in the matmul's order: the block size does not
//   change any bit.
// - kernel gradient: a sum over all output positions, added block by block into dK, so its
//   rounding depends on the block size: that size depends only on the geometry (never on the
//   machine), with blocks of 256 KiB of patches (in L2) so that few partial sums are added.
// The scalar path (CONV_SCALAR) calls matmulScalar per block: same products, same order, same bits.
import { Window, outputRows, patchSize } from './window';
import { CONV_SCALAR } from './flags';
import { ACCUMULATE, TRANS_A, TRANS_B } from '../matmul/flags';
import { matmulPackBytes } from '../matmul/simd';
import { matmulScalar } from '../matmul/scalar';
import { multiplyPacked, packB, packedBBytes } from '../matmul/packed';

const L1_BLOCK_FLOATS = 8192;
const L2_BLOCK_FLOATS = 65536;

function rowsFor(g: Window, floats: i32): i32 {
  const rows = max(4, (floats / max(patchSize(g), 1)) & ~3); // a multiple of the 4-row tile
  return min(rows, max(outputRows(g), 1));
}

/** Rows per block of the forward and input-gradient GEMMs. */
export function productRows(g: Window): i32 {
  return rowsFor(g, L1_BLOCK_FLOATS);
}

/** Rows per block of the kernel gradient's sum (fixes its rounding). */
export function sumRows(g: Window): i32 {
  return rowsFor(g, L2_BLOCK_FLOATS);
}

/**
 * Bytes of scratch the convolution kernels need for geometry g: a block of patch rows, then the
 * packed kernel or the matmul's scratch. Returns -1 when that exceeds 2 GiB.
 */
export function convScratchBytes(geometry: usize): i32 {
  const g = changetype<Window>(geometry);
  const k = patchSize(g);
  const o = g.outC;
  const blockBytes = <i64>max(productRows(g), sumRows(g)) * k * 4;
  const forward = max(packedBBytes(k, o), matmulPackBytes(productRows(g), k, o, 0));
  const inputGrad = max(packedBBytes(o, k), matmulPackBytes(productRows(g), o, k, 0));
  const kernelGrad = max(
    matmulPackBytes(k, sumRows(g), o, TRANS_A), // scalar and small patches: P_blockᵀ·dY
    matmulPackBytes(o, sumRows(g), k, TRANS_A) + (<i32>min(<i64>o * k * 4, i32.MAX_VALUE)), // SIMD: dYᵀ·P_block, then transposed
  );
  if (min(forward, min(inputGrad, kernelGrad)) < 0 || matmulPackBytes(o, sumRows(g), k, TRANS_A) < 0) return -1;
  const bytes = blockBytes + max(forward, max(inputGrad, kernelGrad));
  return bytes > <i64>i32.MAX_VALUE - 64 ? -1 : <i32>bytes;
}

/** Where the packed kernel (or the matmul's scratch) starts, after the block of patch rows. */
export function packArea(scratch: usize, g: Window): usize {
  return scratch + ((<usize>max(productRows(g), sumRows(g)) * patchSize(g)) << 2);
}

/** Address of GEMM row r of a [rows, width] matrix at p. */
// @ts-ignore: decorator
@inline export function rowAt(p: usize, r: i32, width: i32): usize {
  return p + ((<usize>r * width) << 2);
}

/**
 * Prepares op(B) (k×n; stored n×k with transB) for blockProduct: packed into the matmul's panels
 * at `pack`; the scalar path reads B where it is.
 */
export function prepareB(convFlags: i32, b: usize, pack: usize, k: i32, n: i32, transB: bool): void {
  if (!(convFlags & CONV_SCALAR)) packB(b, pack, k, n, transB);
}

/** C[m×n] (+)= A·op(B) for one block of rows: the packed SIMD product, or matmulScalar on B. */
export function blockProduct(
  convFlags: i32, a: usize, b: usize, pack: usize, c: usize, m: i32, k: i32, n: i32, transB: bool, accumulate: bool,
): void {
  if (convFlags & CONV_SCALAR) matmulScalar(a, b, c, m, k, n, (transB ? TRANS_B : 0) | (accumulate ? ACCUMULATE : 0), 0, pack);
  else multiplyPacked(a, pack, c, m, k, n, accumulate);
}
