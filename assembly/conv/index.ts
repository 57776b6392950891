// Sliding-window kernels on NHWC data (geometry in window.ts): convolution as im2col + the SIMD
// matmul, its input and kernel gradients, and sum/average/max pooling with their transposes.
export { convScratchBytes } from './blocks';
export { conv2d, conv2dRows } from './forward';
export { conv2dInputGrad, conv2dInputGradImages } from './input_grad';
export { conv2dKernelGrad, conv2dKernelGradBlock } from './kernel_grad';
export { sumPool } from './sum_pool';
export { sumPoolTranspose } from './sum_pool_transpose';
export { maxPool, maxPoolRows } from './max_pool';
export { gatherAt } from './gather';
export { scatterAddRuns } from './scatter_add';
export { CONV_ACCUMULATE, CONV_SCALAR } from './flags'; // wasm globals: the host reads its flag bits from here
