// Kernels of assembly/random/: JAX's PRNG (threefry2x32, partitionable mode) and the float
// conversions built on it. Keys are passed as two u32 words; outputs are written at raw pointers.
export { randomThreefry2x32, randomSplit } from './keys';
export { randomBits, randomBitsScalar } from './bits';
export { randomUniform, randomUniformScalar } from './uniform';
export { randomRademacher, randomRademacherScalar } from './rademacher';
export { randomNormal } from './normal';
export { randomTruncatedNormal } from './truncated';
