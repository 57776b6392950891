// Dense matmul kernels: C = op(A)·op(B) (+ bias), the contract is in flags.ts.
export { matmul, matmulPackBytes } from './simd';
export { matmulScalar } from './scalar';
