// Dense matmul kernels: C = op(A)·op(B) (+ bias), the contract is in flags.ts.
export { matmul, matmulBlock, matmulCopiesA, matmulPackBytes, matmulTransposeA } from './simd';
export { matmulScalar } from './scalar';
export { TRANS_A, TRANS_B, ACCUMULATE } from './flags'; // wasm globals: the host reads its flag bits from here
