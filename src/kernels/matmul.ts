// The host side of the wasm matmul kernels (assembly/matmul/): matmulInto works on arena
// addresses and is what the autodiff and np build on. The semantics, including the fixed
// summation order, are in assembly/matmul/flags.ts; the flag bits come from the wasm itself.
import { core, type CoreExports } from '../wasm/instance.js';
import { alloc, scoped } from '../wasm/arena.js';

const TRANS_A = core.TRANS_A.value;
const TRANS_B = core.TRANS_B.value;
const ACCUMULATE = core.ACCUMULATE.value;

export interface MatmulOptions {
  /** A is stored transposed: k×m, row-major. */
  transA?: boolean;
  /** B is stored transposed: n×k, row-major. */
  transB?: boolean;
  /** C += result instead of C = result. */
  accumulate?: boolean;
  /** Arena address of a length-n vector added to every row of the result (0 or absent: none). */
  bias?: number;
}

/** A matmul kernel of the core: the SIMD one, or the scalar one that gives the same bits. */
export type MatmulKernel = CoreExports['matmul'];

export type MatmulInto = (a: number, b: number, c: number, m: number, k: number, n: number, opts?: MatmulOptions) => void;

function checkSize(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    throw new RangeError(`matmulInto: ${name} must be a non-negative 32-bit integer, got ${value}`);
  }
}

/**
 * matmulInto running `kernel`. C[m×n] = op(A)·op(B) (+ bias), or C += that with `accumulate`.
 * a, b, c (and bias) are arena addresses of float32 data: A is m×k (k×m with transA), B is k×n
 * (n×k with transB), C is m×n and must not overlap the others. The packing scratch is allocated
 * here and freed on return.
 */
export function matmulUsing(kernel: MatmulKernel): MatmulInto {
  return (a, b, c, m, k, n, opts = {}) => {
    checkSize('m', m);
    checkSize('k', k);
    checkSize('n', n);
    const flags = (opts.transA ? TRANS_A : 0) | (opts.transB ? TRANS_B : 0) | (opts.accumulate ? ACCUMULATE : 0);
    const packBytes = core.matmulPackBytes(m, k, n, flags);
    if (packBytes < 0) {
      throw new RangeError(`matmulInto: ${m}×${k}×${n} needs more than 2 GiB of packing scratch`);
    }
    scoped(() => kernel(a, b, c, m, k, n, flags, opts.bias ?? 0, alloc(packBytes)));
  };
}

/** The product on the SIMD kernel (see matmulUsing). */
export const matmulInto: MatmulInto = matmulUsing(core.matmul);
