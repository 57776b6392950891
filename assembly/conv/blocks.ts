// How the convolution GEMMs are cut: output positions (GEMM rows) in blocks whose patches fit
// comfortably in L2 (256 KiB), so im2col's output is still cached when the matmul reads it, and the
// patch matrix of a whole batch never exists at once. The block size depends only on the
// geometry (never on the machine), so the kernel gradient, which sums block by block, always
// rounds the same way.
import { Window, outputRows, patchSize } from './window';
import { CONV_SCALAR } from './flags';
import { TRANS_A, TRANS_B } from '../matmul/flags';
import { matmul, matmulPackBytes } from '../matmul/simd';
import { matmulScalar } from '../matmul/scalar';

const BLOCK_FLOATS = 65536;

/** Rows per block: a multiple of 4 (the matmul's register tile), at least 4. */
export function blockRows(g: Window): i32 {
  const rows = max(4, (BLOCK_FLOATS / max(patchSize(g), 1)) & ~3);
  return min(rows, max(outputRows(g), 1));
}

/**
 * Bytes of scratch the convolution kernels need for geometry g: one block of patches, then the
 * largest matmul scratch of the three GEMMs. Returns -1 when that exceeds 2 GiB.
 */
export function convScratchBytes(geometry: usize): i32 {
  const g = changetype<Window>(geometry);
  const rows = blockRows(g);
  const k = patchSize(g);
  const o = g.outC;
  const forward = matmulPackBytes(rows, k, o, 0);
  const inputGrad = matmulPackBytes(rows, o, k, TRANS_B);
  const kernelGrad = matmulPackBytes(k, rows, o, TRANS_A);
  if (forward < 0 || inputGrad < 0 || kernelGrad < 0) return -1;
  const bytes: i64 = <i64>rows * k * 4 + max(forward, max(inputGrad, kernelGrad));
  return bytes > <i64>i32.MAX_VALUE - 64 ? -1 : <i32>bytes;
}

/** Where the matmul scratch starts after the block of patches (16-byte aligned). */
// @ts-ignore: decorator
@inline export function packAfterPatches(scratch: usize, g: Window): usize {
  return scratch + ((<usize>blockRows(g) * patchSize(g)) << 2);
}

/** Address of GEMM row r of a [rows, width] matrix at p. */
// @ts-ignore: decorator
@inline export function rowAt(p: usize, r: i32, width: i32): usize {
  return p + ((<usize>r * width) << 2);
}

/** The matmul (flags.ts of assembly/matmul) on the SIMD or, with CONV_SCALAR, the scalar kernel. */
// @ts-ignore: decorator
@inline export function gemm(
  convFlags: i32, a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, flags: i32, pack: usize,
): void {
  if (convFlags & CONV_SCALAR) matmulScalar(a, b, c, m, k, n, flags, 0, pack);
  else matmul(a, b, c, m, k, n, flags, 0, pack);
}
