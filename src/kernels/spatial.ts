// AdaHessian's spatial averaging over arena addresses: D = mean of |h| over some axes of a leaf
// (keepdims), broadcast back to the leaf's shape. Which axes is decided in src/optimizers/spatial.ts.
import { core } from '../wasm/instance.js';
import { allocF32 } from '../wasm/arena.js';
import { sizeOf, type Shape } from '../tensor.js';

/** One kernel call: mean (or broadcast) over the middle of [outer, mid, inner]. */
interface Block {
  outer: number;
  mid: number;
  inner: number;
}

/**
 * The mean's kernel calls, innermost averaged run first. Axes of size 1 are dropped and adjacent
 * axes that are both averaged (or both kept) merge, so 'last' on a matrix is one call with
 * inner = 1 and averaging several separated runs of axes takes one call per run.
 */
export function averagingBlocks(shape: Shape, axes: readonly number[]): Block[] {
  const runs: { size: number; averaged: boolean }[] = [];
  shape.forEach((size, a) => {
    if (size === 1) return;
    const averaged = axes.includes(a);
    const last = runs[runs.length - 1];
    if (last && last.averaged === averaged) last.size *= size;
    else runs.push({ size, averaged });
  });
  const dims = runs.map((r) => r.size);
  const product = (from: number, to: number) => dims.slice(from, to).reduce((p, d) => p * d, 1);
  const blocks: Block[] = [];
  for (let r = runs.length - 1; r >= 0; r--) {
    if (!runs[r].averaged) continue;
    blocks.push({ outer: product(0, r), mid: dims[r], inner: product(r + 1, dims.length) });
    dims[r] = 1;
  }
  return blocks;
}

/** The spatial means of a leaf, and the [outer, len, inner] view that adahessianStepRows reads them with. */
export interface RowMeans {
  means: number;
  outer: number;
  len: number;
  inner: number;
}

/**
 * D for the Hessian leaf at `h`, in the arena, in the form the fused step reads best:
 * - `rows` when the averaged axes make one run (size-1 axes aside), as 'last' and 'conv' do: the
 *   means of |h|, one per row of the [outer, len, inner] view, read per row by
 *   adahessianStepRows (no broadcast copy);
 * - else `each`, one value per element for adahessianStep: `h` itself when nothing is averaged
 *   (the fused step squares D, and h² = |h|²), or the means broadcast back over every run.
 * Call inside the caller's arena scope.
 */
export function spatialDInArena(h: number, shape: Shape, axes: readonly number[]): { rows: RowMeans } | { each: number } {
  const blocks = sizeOf(shape) === 0 ? [] : averagingBlocks(shape, axes);
  if (blocks.length === 0) return { each: h };
  // Reduce run by run (innermost first), then broadcast back in the reverse order.
  let src = h;
  for (const b of blocks) {
    const dst = allocF32(b.outer * b.inner);
    core.spatialMeanAbs(src, dst, b.outer, b.mid, b.inner);
    src = dst;
  }
  if (blocks.length === 1) {
    const { outer, mid, inner } = blocks[0];
    return { rows: { means: src, outer, len: mid, inner } };
  }
  for (let k = blocks.length - 1; k >= 0; k--) {
    const b = blocks[k];
    const dst = allocF32(b.outer * b.mid * b.inner);
    core.broadcastAxis(src, dst, b.outer, b.mid, b.inner, false);
    src = dst;
  }
  return { each: src };
}
