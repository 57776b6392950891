// Flag bits of the convolution kernels (forward.ts, input_grad.ts, kernel_grad.ts).
import { ACCUMULATE } from '../matmul/flags';

/** Add into the output instead of overwriting it (the same bit as the matmul's). */
export const CONV_ACCUMULATE: i32 = ACCUMULATE;
/** Run the GEMMs on the scalar matmul (same bits, slower): for tests and benchmarks. */
export const CONV_SCALAR: i32 = 8;
