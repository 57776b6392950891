// Which kernels the pool splits, and how: always by OUTPUT, so that each output element is
// computed by exactly one thread, by the same code and in the same summation order as on one
// thread. The results therefore have the same bits for any number of threads.
//
//   elementwise  ranges of the n elements, cut at multiples of 16 (every per-element pointer
//                offset, a random stream's first element too, scalars passed as they are); the
//                optimizer steps' non-finite flags OR-ed
//   rows         ranges of the `outer` index of an axis kernel (sums, maxima, broadcasts, spatial
//                averages): each output row is one thread's; likewise the optimizer steps that read
//                per-row values (AdaHessian's spatial means)
//   matmul       blocks of C through matmulBlock: ranges of 8-column panels, or of rows when C is
//                too narrow; each part with its own packing scratch (matmulPackBytes reserves one
//                per part). A transposed A that matmul would copy out row-major is copied once
//                first, by ranges of its rows, into scratch all the parts read.
//   convolution  the forward pass by ranges of output positions, the input gradient by ranges of
//                images (an image's dx receives from its own positions only), the kernel gradient
//                by blocks of dk as matmul cuts C; one scratch per part (convScratchBytes reserves them)
//   pooling      max pooling by ranges of output positions; its transpose (scatterAddRuns) by
//                ranges of images, whose targets are their own
//
// Small calls stay on the calling thread: a call is split into at most work / MIN_WORK parts, so
// each part has at least MIN_WORK (bench/suites/threads.ts measures where a split starts to pay),
// and into at most PARTS_PER_THREAD parts per thread (convolutions: CONV_PARTS_PER_THREAD), which
// the threads claim as they go.
import type { KernelCall, Pool } from './pool.js';
import { MAX_THREADS } from './control.js';

type Kernel = (...args: number[]) => number;
export type Kernels = Record<string, Kernel>;

/** Minimum work per part, by family (elements, or multiply-adds for matmul). */
export const MIN_WORK = {
  /** one or two arithmetic operations per element: bound by memory bandwidth */
  light: 1 << 18,
  /** a transcendental function or several operations per element */
  heavy: 1 << 13,
  /** the fused optimizer steps */
  optimizer: 1 << 15,
  /** axis reductions and broadcasts (elements read) */
  rows: 1 << 16,
  /**
   * matmul, in multiply-adds: alone, a matmul gains from 2 threads from about 512 Ki per thread.
   * Inside steps, with workers that poll between calls, the 784-128-10 MLP at batch 32 (3.2 M
   * multiply-adds per product) took its gradAndHessian 1.45–1.7× faster with 2 threads when its
   * products split at this size, 1.1× when they stayed whole (from 2 Mi).
   */
  matmul: 1 << 19,
};

/**
 * Argument kinds of an elementwise kernel: a per-element f32 pointer ('p'), one that may be 0
 * ('q'), the count ('n'), the index of the first element in a random stream ('s'), anything
 * else ('.').
 */
type ArgKinds = string;

interface ElementwiseSplit {
  args: ArgKinds;
  family: 'light' | 'heavy' | 'optimizer';
  /** How the parts' return values combine (the optimizer steps' non-finite flag). */
  combine?: 'or';
}

const light = (args: ArgKinds): ElementwiseSplit => ({ args, family: 'light' });
const heavy = (args: ArgKinds): ElementwiseSplit => ({ args, family: 'heavy' });
const optimizer = (args: ArgKinds): ElementwiseSplit => ({ args, family: 'optimizer', combine: 'or' });

export const ELEMENTWISE: Record<string, ElementwiseSplit> = {
  add: light('pppn'), sub: light('pppn'), mul: light('pppn'), div: light('pppn'),
  scale: light('p.pn'), divScalar: light('p.pn'),
  fill: light('p.n'), zero: light('pn'), addInto: light('ppn'), copyInto: light('ppn.'),
  scaleAddInto: light('pp.n'), mulAddInto: light('pppn'), mulMulAddInto: light('ppppn'),
  equalMask: light('pppn'),
  gatherAt: light('.ppn'), // dst[i] = src[index[i]]: the indices and dst split, src read whole
  // unary ops: f(x) → y, and f', f'' (f'' may be absent)
  squareForward: heavy('ppn'), squareDerivatives: heavy('pppqn'),
  sqrtForward: heavy('ppn'), sqrtDerivatives: heavy('pppqn'),
  expForward: heavy('ppn'), expDerivatives: heavy('pppqn'),
  logForward: heavy('ppn'), logDerivatives: heavy('pppqn'),
  tanhForward: heavy('ppn'), tanhDerivatives: heavy('pppqn'),
  reluForward: heavy('ppn'), reluDerivatives: heavy('pppqn'),
  sigmoidForward: heavy('ppn'), sigmoidDerivatives: heavy('pppqn'),
  softplusForward: heavy('ppn'), softplusDerivatives: heavy('pppqn'),
  geluForward: heavy('ppn'), geluDerivatives: heavy('pppqn'),
  randomRademacher: heavy('..pns'),
  // optimizer steps: the old arrays and the inputs, then the new arrays (AdaHessian's D may be absent)
  adahessianStep: optimizer('ppppqpppn.......'),
  adamStep: optimizer('pppppppn......'),
  sgdStep: optimizer('pppn.'),
  momentumStep: optimizer('pppppn..'),
  rmspropStep: optimizer('pppppn...'),
};

/**
 * Axis kernels f(x, y, outer, len, inner, ...): `outer` independent rows; per row, x advances
 * by xRow and y by yRow floats (functions of len and inner).
 */
interface RowsSplit {
  xRow: (len: number, inner: number) => number;
  yRow: (len: number, inner: number) => number;
}
const reduces: RowsSplit = { xRow: (len, inner) => len * inner, yRow: (_len, inner) => inner };
const broadcasts: RowsSplit = { xRow: (_len, inner) => inner, yRow: (len, inner) => len * inner };

export const ROWS: Record<string, RowsSplit> = {
  sumAxis: reduces, maxAxis: reduces, argmaxAxis: reduces, spatialMeanAbs: reduces,
  broadcastAxis: broadcasts,
};

/**
 * Row kernels over several arrays, f(..., outer, len, inner, ...) on [outer, len, inner] arrays:
 * 'p' per-element pointers (len·inner floats a row), 'r' per-row pointers (inner floats a row;
 * 0 = absent), 'o' outer, 'l' len, 'i' inner, '.' anything else.
 */
export const ROW_STEPS: Record<string, ElementwiseSplit> = {
  adahessianStepRows: optimizer('pppprpppoli.'),
};

/**
 * Cuts n items into at most `parts` ranges, starts at multiples of `grain`, whose sizes halve every
 * `threads` parts (guided scheduling): the threads claim the large ones first and the last ones
 * are small, so they finish close together even when one runs slower than the others. With
 * threads = parts the ranges are equal.
 */
function guidedRanges(n: number, parts: number, threads: number, grain: number): [number, number][] {
  const weights = Array.from({ length: parts }, (_, t) => 2 ** -Math.floor(t / threads));
  const total = weights.reduce((a, b) => a + b, 0);
  const cuts: [number, number][] = [];
  let start = 0;
  let sum = 0;
  for (let t = 0; t < parts && start < n; t++) {
    sum += weights[t];
    const end = t === parts - 1 ? n : Math.min(n, Math.ceil((n * sum) / total / grain) * grain);
    if (end > start) cuts.push([start, end]);
    start = Math.max(start, end);
  }
  return cuts;
}

/** n items in at most `parts` equal ranges (starts at multiples of `grain`), the empty ones left out. */
function ranges(n: number, parts: number, grain: number): [number, number][] {
  return guidedRanges(n, parts, parts, grain);
}

/**
 * Parts per thread a call is cut into at most: the threads claim parts as they go, so a thread
 * held up (late to wake, or on a core that the machine gives to another process or virtual
 * machine for a while) leaves the rest of its share to the others. Each part still has at least
 * its family's MIN_WORK. Matmuls too: on the full MLP's steps, with 1, 4 and 8 parts per thread
 * taking turns in one process on this virtual machine, 4 gave 1.75–1.80× with 2 threads where 1
 * gave 1.42–1.62× (a matmul's parts cost some copying of their own, which 4 parts repay).
 */
const PARTS_PER_THREAD = 4;
/**
 * A convolution part gathers its own patches and packs its own kernel panels: one part per
 * thread (a thread that has not started its part still leaves it to the others).
 */
const CONV_PARTS_PER_THREAD = 1;

/** How many parts to cut a call that could take `wanted` parts into now: 1 unless workers are ready to help. */
function partsNow(pool: Pool, wanted: number, perThread = PARTS_PER_THREAD): number {
  const threads = wanted >= 2 ? pool.available(wanted) : 1;
  return threads <= 1 ? 1 : Math.min(wanted, threads * perThread, MAX_THREADS);
}

function partsFor(pool: Pool, work: number, minWork: number): number {
  return partsNow(pool, Math.floor(work / minWork));
}

function elementwise(pool: Pool, name: string, raw: Kernel, split: ElementwiseSplit): Kernel {
  const fn = pool.kernel(name);
  const countAt = split.args.indexOf('n');
  return (...args: number[]) => {
    const n = args[countAt];
    const parts = partsFor(pool, n, MIN_WORK[split.family]);
    if (parts <= 1) return raw(...args);
    const calls: KernelCall[] = [];
    for (const [start, end] of ranges(n, parts, 16)) {
      const own = args.map((a, i) => {
        const kind = split.args[i];
        if (kind === 'p' || (kind === 'q' && a !== 0)) return a + start * 4;
        if (kind === 's') return a + start;
        return kind === 'n' ? end - start : a;
      });
      calls.push({ fn, args: own });
    }
    return combine(pool.run(calls), split.combine);
  };
}

function combine(results: number[], how: ElementwiseSplit['combine']): number {
  return how === 'or' && results.some((r) => r !== 0) ? 1 : 0;
}

function rows(pool: Pool, name: string, raw: Kernel, split: RowsSplit): Kernel {
  const fn = pool.kernel(name);
  return (...args: number[]) => {
    const [x, y, outer, len, inner] = args;
    const parts = Math.min(outer, partsFor(pool, outer * len * inner, MIN_WORK.rows));
    if (parts <= 1) return raw(...args);
    const xRow = split.xRow(len, inner) * 4;
    const yRow = split.yRow(len, inner) * 4;
    const calls: KernelCall[] = [];
    for (const [start, end] of ranges(outer, parts, 1)) {
      calls.push({ fn, args: [x + start * xRow, y + start * yRow, end - start, ...args.slice(3)] });
    }
    pool.run(calls);
    return 0;
  };
}

function rowSteps(pool: Pool, name: string, raw: Kernel, split: ElementwiseSplit): Kernel {
  const fn = pool.kernel(name);
  const at = (kind: string) => split.args.indexOf(kind);
  return (...args: number[]) => {
    const [outer, len, inner] = [args[at('o')], args[at('l')], args[at('i')]];
    // ranges of rows; a leaf of one row (a conv kernel averaged over its window) by ranges of its
    // len axis instead, which all take that row's values
    const byRows = outer > 1;
    const parts = Math.min(byRows ? outer : len, partsFor(pool, outer * len * inner, MIN_WORK[split.family]));
    if (parts <= 1) return raw(...args);
    const calls: KernelCall[] = [];
    for (const [start, end] of byRows ? ranges(outer, parts, 1) : ranges(len, parts, inner === 1 ? 16 : 1)) {
      const own = args.map((a, i) => {
        const kind = split.args[i];
        if (kind === 'p') return a + start * (byRows ? len : 1) * inner * 4;
        if (kind === 'r' && a !== 0 && byRows) return a + start * inner * 4;
        if (kind === 'o' && byRows) return end - start;
        if (kind === 'l' && !byRows) return end - start;
        return a;
      });
      calls.push({ fn, args: own });
    }
    return combine(pool.run(calls), split.combine);
  };
}

/**
 * scatterAddRuns(src, index, dst, runs, run) by ranges of runs: no two runs select the same
 * target, so each target receives all its sources from one thread, in their order.
 */
function scatterRuns(pool: Pool, raw: Kernel): Kernel {
  const fn = pool.kernel('scatterAddRuns');
  return (src, index, dst, runs, run) => {
    const parts = Math.min(runs, partsFor(pool, runs * run, MIN_WORK.light));
    if (parts <= 1) return raw(src, index, dst, runs, run);
    const calls: KernelCall[] = [];
    for (const [r0, r1] of ranges(runs, parts, 1)) {
      calls.push({ fn, args: [src + r0 * run * 4, index + r0 * run * 4, dst, r1 - r0, run] });
    }
    pool.run(calls);
    return 0;
  };
}

/** How matmul splits C into `parts` blocks among `threads` threads: [i0, i1, j0, j1] per part. */
function matmulBlocks(m: number, n: number, parts: number, threads = parts): number[][] {
  const panels = n >> 3;
  if (panels >= 2 * parts) {
    // ranges of whole panels; the last part also takes the n % 8 columns
    return guidedRanges(panels, parts, threads, 1).map(([p0, p1]) => [0, m, p0 * 8, p1 === panels ? n : p1 * 8]);
  }
  return guidedRanges(m, parts, threads, 4).map(([i0, i1]) => [i0, i1, 0, n]);
}

/**
 * Multiply-adds per part, on average, for a matmul to be cut into more parts than threads: the
 * extra parts only even out threads that fall behind, and each costs a dispatch and packing of its
 * own, which parts of 8 Mi (about 0.3 ms) repay; smaller products are cut into one part per thread.
 */
const MATMUL_BALANCE_WORK = 1 << 23;

/** The most parts a matmul of this shape is split into with `threads` threads, at most `perThread` each. */
function matmulParts(m: number, k: number, n: number, threads: number, perThread = PARTS_PER_THREAD): number {
  const work = m * Math.max(k, 1) * n;
  const perThreadParts = Math.min(threads, Math.floor(work / MIN_WORK.matmul));
  const balancingParts = Math.min(threads * perThread, Math.floor(work / MATMUL_BALANCE_WORK));
  const byShape = (n >> 3) >= 4 ? n >> 3 : m >> 2; // panels, or blocks of 4 rows
  return Math.max(1, Math.min(Math.max(perThreadParts, balancingParts), MAX_THREADS, byShape));
}

const PACK_ALIGN = 64;

const align = (bytes: number) => Math.ceil(bytes / PACK_ALIGN) * PACK_ALIGN;

function matmul(pool: Pool, raw: Kernels): { matmul: Kernel; matmulPackBytes: Kernel } {
  const fn = pool.kernel('matmulBlock');
  const transposeFn = pool.kernel('matmulTransposeA');
  const TRANS_A = (raw as unknown as { TRANS_A: WebAssembly.Global }).TRANS_A.value as number;
  const perThread = (m: number, k: number, n: number, flags: number) => {
    const bytes = raw.matmulPackBytes(m, k, n, flags);
    return bytes < 0 ? -1 : align(bytes);
  };
  /** Bytes of the one copy of op(A) that a split product with TRANS_A shares, else 0. */
  const sharedCopy = (m: number, k: number, n: number, flags: number) =>
    (flags & TRANS_A) !== 0 && raw.matmulCopiesA(flags, n) !== 0 ? align(m * k * 4) : 0;
  return {
    // the shared copy of op(A) if any, then one scratch per part
    matmulPackBytes(m, k, n, flags) {
      const parts = matmulParts(m, k, n, pool.threadCount);
      if (parts <= 1) return raw.matmulPackBytes(m, k, n, flags);
      const copy = sharedCopy(m, k, n, flags);
      const bytes = perThread(m, k, n, copy ? flags & ~TRANS_A : flags);
      const total = copy + bytes * parts;
      return bytes < 0 || total > 0x7fffffff ? -1 : total;
    },
    matmul(a, b, c, m, k, n, flags, bias, pack) {
      const parts = partsNow(pool, matmulParts(m, k, n, pool.threadCount));
      if (parts <= 1) return raw.matmul(a, b, c, m, k, n, flags, bias, pack);
      const copy = sharedCopy(m, k, n, flags);
      if (copy) {
        // op(A) copied out row-major once, by rows among the threads, then multiplied as it is
        pool.run(ranges(m, parts, 4).map(([i0, i1]) => ({ fn: transposeFn, args: [a, pack, m, k, i0, i1] })));
        [a, flags, pack] = [pack, flags & ~TRANS_A, pack + copy];
      }
      const scratch = perThread(m, k, n, flags);
      const calls = matmulBlocks(m, n, parts, Math.min(parts, pool.threadCount)).map(([i0, i1, j0, j1], t) => ({
        fn,
        args: [a, b, c, m, k, n, flags, bias, pack + t * scratch, i0, i1, j0, j1],
      }));
      pool.run(calls);
      return 0;
    },
  };
}

/** Bit of the convolution kernels' flags that selects the scalar matmul (never split). */
const CONV_SCALAR = 8;

function conv(pool: Pool, raw: Kernels): Kernels {
  const memory = (raw as unknown as { memory: WebAssembly.Memory }).memory;
  /** batch, positions per image, patch size, output channels of the Window at `geometry`. */
  const shape = (geometry: number) => {
    const [batch, , , inC, kH, kW, outC, , , , , outH, outW] = new Int32Array(memory.buffer, geometry, 13);
    return { batch, perImage: outH * outW, k: kH * kW * inC, o: outC };
  };
  const partsFor = (geometry: number, threads: number) => {
    const { batch, perImage, k, o } = shape(geometry);
    return matmulParts(batch * perImage, k, o, threads, CONV_PARTS_PER_THREAD);
  };
  const perThread = (geometry: number) => {
    const bytes = raw.convScratchBytes(geometry);
    return bytes < 0 ? -1 : align(bytes);
  };
  /** Runs `name` over the parts that `cut` makes, each with its own scratch; false if not split. */
  const split = (name: string, geometry: number, flags: number, scratch: number, cut: (parts: number) => number[][], args: number[]) => {
    if (flags & CONV_SCALAR) return false;
    const parts = partsNow(pool, partsFor(geometry, pool.threadCount), CONV_PARTS_PER_THREAD);
    if (parts <= 1) return false;
    const own = perThread(geometry);
    const fn = pool.kernel(name);
    const pieces = cut(parts);
    if (pieces.length <= 1) return false;
    pool.run(pieces.map((piece, t) => ({ fn, args: [...args, flags, scratch + t * own, ...piece] })));
    return true;
  };
  return {
    maxPool(x, y, argmax, geometry) {
      // ranges of output positions, at least MIN_WORK.rows window elements read each
      const { batch, perImage, k } = shape(geometry);
      const positions = batch * perImage;
      const parts = Math.min(positions, partsNow(pool, Math.floor((positions * k) / MIN_WORK.rows)));
      if (parts <= 1) return raw.maxPool(x, y, argmax, geometry);
      const fn = pool.kernel('maxPoolRows');
      pool.run(ranges(positions, parts, 1).map(([first, end]) => ({ fn, args: [x, y, argmax, geometry, first, end] })));
      return 0;
    },
    convScratchBytes(geometry) {
      const bytes = perThread(geometry);
      return bytes < 0 ? -1 : bytes * partsFor(geometry, pool.threadCount);
    },
    conv2d(x, kernel, y, geometry, flags, scratch) {
      const { batch, perImage } = shape(geometry);
      const cut = (parts: number) => ranges(batch * perImage, parts, 4);
      if (!split('conv2dRows', geometry, flags, scratch, cut, [x, kernel, y, geometry])) raw.conv2d(x, kernel, y, geometry, flags, scratch);
      return 0;
    },
    conv2dInputGrad(dy, kernel, dx, geometry, flags, scratch) {
      const { batch } = shape(geometry);
      const cut = (parts: number) => ranges(batch, parts, 1);
      if (!split('conv2dInputGradImages', geometry, flags, scratch, cut, [dy, kernel, dx, geometry])) {
        raw.conv2dInputGrad(dy, kernel, dx, geometry, flags, scratch);
      }
      return 0;
    },
    conv2dKernelGrad(x, dy, dk, geometry, flags, scratch) {
      const { k, o } = shape(geometry);
      const cut = (parts: number) => matmulBlocks(o, k, parts); // blocks of its sums dYᵀ·P, [outC, patch]
      if (!split('conv2dKernelGradBlock', geometry, flags, scratch, cut, [x, dy, dk, geometry])) {
        raw.conv2dKernelGrad(x, dy, dk, geometry, flags, scratch);
      }
      return 0;
    },
  };
}

/**
 * The kernels with every splittable one dispatched over the pool. Each dispatcher keeps the wasm
 * function as `.original`, as the loader's wrappers do (its parameter count is the kernel's).
 */
export function splitKernels(raw: Kernels, pool: Pool): Kernels {
  const split: Kernels = {};
  for (const [name, how] of Object.entries(ELEMENTWISE)) {
    if (raw[name]) split[name] = elementwise(pool, name, raw[name], how);
  }
  for (const [name, how] of Object.entries(ROWS)) {
    if (raw[name]) split[name] = rows(pool, name, raw[name], how);
  }
  for (const [name, how] of Object.entries(ROW_STEPS)) {
    if (raw[name]) split[name] = rowSteps(pool, name, raw[name], how);
  }
  if (raw.scatterAddRuns) split.scatterAddRuns = scatterRuns(pool, raw.scatterAddRuns);
  Object.assign(split, matmul(pool, raw));
  if (raw.conv2dRows) Object.assign(split, conv(pool, raw));
  for (const [name, fn] of Object.entries(split)) {
    const wasm = raw[name] as Kernel & { original?: Kernel };
    Object.defineProperty(fn, 'original', { value: wasm.original ?? wasm });
  }
  return { ...raw, ...split };
}
