// The one entry point asc compiles: every kernel re-exported. Kernels take raw pointers into
// linear memory (byte addresses; f32 data 16-byte aligned) and know nothing about trees or the API.
export * from './memory';
export * from './random/index'; // threefry2x32, JAX's random bits, uniform, normal (erfinv)
export * from './matmul/index'; // dense matmul A·B, Aᵀ·B, A·Bᵀ (+ bias), SIMD and scalar paths
export * from './ops/index'; // elementwise ops and reductions with their derivative rules
export * from './optim/index'; // fused optimizer steps
export * from './conv/index'; // convolution (im2col + matmul) and pooling, with their transposes
