// The one entry point asc compiles: every kernel file re-exported. Kernels take raw pointers into
// linear memory (byte addresses, f32 data 16-byte aligned) and know nothing about trees or the API.
export * from './memory';
