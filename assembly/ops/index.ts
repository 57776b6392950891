// Kernels of assembly/ops/: elementwise maps, unary ops with their derivatives, reductions along
// an axis, axis permutation, and gathers along an axis. The autodiff rules that use them live in
// src/ops/.
export * from './elementwise';
export * from './unary';
export * from './reduce';
export * from './permute';
export * from './take';
