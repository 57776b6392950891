// The host side of the wasm matmul kernels (assembly/matmul/): matmulInto works on arena
// addresses and is what the autodiff and np build on; matmulTensors is the eager product of two
// 2-D tensors. The semantics, including the fixed summation order, are in
// assembly/matmul/flags.ts.
import { describe, formatShape, isTensor, Tensor } from '../tensor.js';
import { core } from '../wasm/instance.js';
import { alloc, allocF32, copyIn, copyOut, scoped } from '../wasm/arena.js';

// The kernels' flag bits (assembly/matmul/flags.ts).
const TRANS_A = 1;
const TRANS_B = 2;
const ACCUMULATE = 4;

export interface MatmulOptions {
  /** A is stored transposed: k×m, row-major. */
  transA?: boolean;
  /** B is stored transposed: n×k, row-major. */
  transB?: boolean;
  /** C += result instead of C = result. */
  accumulate?: boolean;
  /** Arena address of a length-n vector added to every row of the result (0 or absent: none). */
  bias?: number;
  /** Use the scalar kernel (same bits, slower): for tests and benchmarks. */
  scalar?: boolean;
}

function checkSize(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    throw new RangeError(`matmulInto: ${name} must be a non-negative 32-bit integer, got ${value}`);
  }
}

/**
 * C[m×n] = op(A)·op(B) (+ bias), or C += that with `accumulate`. a, b, c (and bias) are arena
 * addresses of float32 data: A is m×k (k×m with transA), B is k×n (n×k with transB), C is m×n
 * and must not overlap the others. The packing scratch is allocated here and freed on return.
 */
export function matmulInto(
  a: number, b: number, c: number, m: number, k: number, n: number, opts: MatmulOptions = {},
): void {
  checkSize('m', m);
  checkSize('k', k);
  checkSize('n', n);
  const flags =
    (opts.transA ? TRANS_A : 0) | (opts.transB ? TRANS_B : 0) | (opts.accumulate ? ACCUMULATE : 0);
  const bias = opts.bias ?? 0;
  const kernel = opts.scalar ? core.matmulScalar : core.matmul;
  const packBytes = core.matmulPackBytes(m, k, n, flags);
  if (packBytes < 0) {
    throw new RangeError(`matmulInto: ${m}×${k}×${n} needs more than 2 GiB of packing scratch`);
  }
  scoped(() => {
    const pack = alloc(packBytes);
    kernel(a, b, c, m, k, n, flags, bias, pack);
  });
}

function check2d(x: unknown, which: string): asserts x is Tensor {
  if (!isTensor(x)) {
    throw new TypeError(`matmul: ${which} operand must be a Tensor, got ${describe(x)}`);
  }
  if (x.shape.length !== 2) {
    throw new TypeError(
      `matmul: ${which} operand must be 2-D, got shape ${formatShape(x.shape)}`,
    );
  }
}

/** The product of two 2-D tensors [m, k]·[k, n] → [m, n], computed in wasm. */
export function matmulTensors(a: Tensor, b: Tensor): Tensor {
  check2d(a, 'first');
  check2d(b, 'second');
  const [m, k] = a.shape;
  const [k2, n] = b.shape;
  if (k !== k2) {
    throw new RangeError(
      `matmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} do not align: ${k} ≠ ${k2}`,
    );
  }
  const data = scoped(() => {
    const pa = copyIn(a.data);
    const pb = copyIn(b.data);
    const pc = allocF32(m * n);
    matmulInto(pa, pb, pc, m, k, n);
    return copyOut(pc, m * n);
  });
  return new Tensor(data, [m, n]);
}
