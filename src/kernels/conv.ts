// The host side of the convolution kernels (assembly/conv/): each call allocates the kernels'
// scratch (one block of patches and the matmul's packing space) and frees it on return.
// x, kernel, y are arena addresses of NHWC / HWIO / NHWC float32 data; `geometry` is the address
// written by writeWindow (src/ops/window.ts). The flag bits come from the wasm itself.
import { core } from '../wasm/instance.js';
import { alloc, scoped } from '../wasm/arena.js';

const ACCUMULATE = core.CONV_ACCUMULATE.value;
const SCALAR = core.CONV_SCALAR.value;

export interface ConvOptions {
  /** Add into the output instead of overwriting it. */
  accumulate?: boolean;
}

export interface ConvKernels {
  /** y (+)= conv(x, kernel). */
  convInto(x: number, kernel: number, y: number, geometry: number, opts?: ConvOptions): void;
  /** dx += convᵀ(dy, kernel) (always accumulates: dx must hold a value, e.g. zeros). */
  convInputGradInto(dy: number, kernel: number, dx: number, geometry: number): void;
  /** dk (+)= corr(x, dy): the kernel gradient. */
  convKernelGradInto(x: number, dy: number, dk: number, geometry: number, opts?: ConvOptions): void;
}

function withScratch(geometry: number, body: (scratch: number) => void): void {
  const bytes = core.convScratchBytes(geometry);
  if (bytes < 0) throw new RangeError('conv2d: the convolution needs more than 2 GiB of scratch');
  scoped(() => body(alloc(bytes)));
}

/** The convolutions with their GEMMs on the SIMD matmul, or (`scalarMatmul`) the scalar one: same bits. */
export function convKernels(scalarMatmul = false): ConvKernels {
  const path = scalarMatmul ? SCALAR : 0;
  const flags = (opts: ConvOptions = {}) => (opts.accumulate ? ACCUMULATE : 0) | path;
  return {
    convInto: (x, kernel, y, geometry, opts) =>
      withScratch(geometry, (s) => core.conv2d(x, kernel, y, geometry, flags(opts), s)),
    convInputGradInto: (dy, kernel, dx, geometry) =>
      withScratch(geometry, (s) => core.conv2dInputGrad(dy, kernel, dx, geometry, flags(), s)),
    convKernelGradInto: (x, dy, dk, geometry, opts) =>
      withScratch(geometry, (s) => core.conv2dKernelGrad(x, dy, dk, geometry, flags(opts), s)),
  };
}

export const { convInto, convInputGradInto, convKernelGradInto } = convKernels();
