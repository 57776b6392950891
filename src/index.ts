// adahessian-wasm: AdaHessian for TypeScript with a deterministic WebAssembly core.
// Importing this module instantiates the wasm (top-level await); nothing else is needed.
import './wasm/instance.js';
export { Tensor, tensor, zeros } from './tensor.js';
export type { Shape } from './tensor.js';
export * as tree from './tree.js';
export * as random from './random.js';
export * as np from './np.js';
export * as nn from './nn.js';
export { grad, valueAndGrad, hvp, gradAndHessian, valueGradAndHessian } from './autodiff/transforms.js';
export { dispose } from './dispose.js';
export type { HessianOptions } from './autodiff/transforms.js';
export * as stax from './stax.js';
export { setThreads, getThreads, threadsReady } from './threads/index.js';
