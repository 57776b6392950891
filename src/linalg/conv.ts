// The host side of the convolution kernels (assembly/conv/): each call allocates the kernels'
// scratch (one block of patches and the matmul's packing space) and frees it on return.
// x, kernel, y are arena addresses of NHWC / HWIO / NHWC float32 data; `geometry` is the address
// written by writeWindow (src/ops/window.ts).
import { core } from '../wasm/instance.js';
import { alloc, scoped } from '../wasm/arena.js';

// The kernels' flag bits (assembly/conv/flags.ts).
const ACCUMULATE = 4;
const SCALAR = 8;

export interface ConvOptions {
  /** Add into the output instead of overwriting it. */
  accumulate?: boolean;
  /** Use the scalar matmul (same bits, slower): for tests and benchmarks. */
  scalar?: boolean;
}

function withScratch(geometry: number, body: (scratch: number) => void): void {
  const bytes = core.convScratchBytes(geometry);
  if (bytes < 0) throw new RangeError('conv2d: the convolution needs more than 2 GiB of scratch');
  scoped(() => body(alloc(bytes)));
}

const flagsOf = (o: ConvOptions) => (o.accumulate ? ACCUMULATE : 0) | (o.scalar ? SCALAR : 0);

/** y (+)= conv(x, kernel). */
export function convInto(x: number, kernel: number, y: number, geometry: number, opts: ConvOptions = {}): void {
  withScratch(geometry, (s) => core.conv2d(x, kernel, y, geometry, flagsOf(opts), s));
}

/** dx += convᵀ(dy, kernel) (always accumulates: dx must hold a value, e.g. zeros). */
export function convInputGradInto(dy: number, kernel: number, dx: number, geometry: number, opts: ConvOptions = {}): void {
  withScratch(geometry, (s) => core.conv2dInputGrad(dy, kernel, dx, geometry, flagsOf(opts), s));
}

/** dk (+)= corr(x, dy): the kernel gradient. */
export function convKernelGradInto(x: number, dy: number, dk: number, geometry: number, opts: ConvOptions = {}): void {
  withScratch(geometry, (s) => core.conv2dKernelGrad(x, dy, dk, geometry, flagsOf(opts), s));
}
