// PRNG kernels: median ms of the wasm SIMD kernel, its scalar reference path and plain JS
// (bench/baseline/random.ts) for random bits, rademacher and uniform at the element counts of the
// two MLPs' parameter trees (AdaHessian draws one rademacher probe per step over all of them).
import { timeIt, type BenchRow } from '../harness.js';
import * as js from '../baseline/random.js';
import { core } from '../../src/wasm/instance.js';
import { alloc, mark, release, u32 } from '../../src/wasm/arena.js';

/** Parameter counts: the big MLP (784-1024-1024-10) and the small one (784-128-10). */
const SIZES = [1_863_690, 101_770];
const K0 = 0x13198a2e;
const K1 = 0x03707344;

interface Kernel {
  name: string;
  simd: (ptr: number, n: number) => void;
  scalar: (ptr: number, n: number) => void;
  /** fills `out` (a view of the same n words) in plain JS */
  js: (out: Uint32Array) => void;
}

const KERNELS: Kernel[] = [
  {
    name: 'rademacher',
    simd: (p, n) => core.randomRademacher(K0, K1, p, n, 0),
    scalar: (p, n) => core.randomRademacherScalar(K0, K1, p, n),
    js: (out) => js.rademacher(K0, K1, new Float32Array(out.buffer, out.byteOffset, out.length)),
  },
  {
    name: 'bits',
    simd: (p, n) => core.randomBits(K0, K1, p, n),
    scalar: (p, n) => core.randomBitsScalar(K0, K1, p, n),
    js: (out) => js.bits(K0, K1, out),
  },
  {
    name: 'uniform(-0.3, 1.7)',
    simd: (p, n) => core.randomUniform(K0, K1, p, n, -0.3, 1.7),
    scalar: (p, n) => core.randomUniformScalar(K0, K1, p, n, -0.3, 1.7),
    js: (out) => js.uniform(K0, K1, new Float32Array(out.buffer, out.byteOffset, out.length), -0.3, 1.7),
  },
];

/** Index of the first word where a and b differ, or -1. */
function firstDifference(a: Uint32Array, b: Uint32Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const kernel of KERNELS) {
    for (const n of SIZES) {
      const arenaMark = mark();
      const ptr = alloc(n * 4);
      const jsOut = new Uint32Array(n);

      // timing wrong numbers would be worthless: all three must agree bit for bit first
      kernel.js(jsOut);
      for (const [variant, fill] of [['simd', kernel.simd], ['scalar', kernel.scalar]] as const) {
        fill(ptr, n);
        const at = firstDifference(u32(ptr, n), jsOut);
        if (at >= 0) {
          throw new Error(`random bench: ${kernel.name} n=${n}: wasm ${variant} and JS differ at element ${at}`);
        }
      }

      const simd = timeIt(() => kernel.simd(ptr, n), { minSamples: 20, maxTime: 1 });
      const scalar = timeIt(() => kernel.scalar(ptr, n), { minSamples: 10, maxTime: 0.5 });
      const plain = timeIt(() => kernel.js(jsOut), { minSamples: 10, maxTime: 0.5 });
      release(arenaMark);

      const row = (variant: string, t: ReturnType<typeof timeIt>, note?: string): BenchRow => ({
        suite: 'random', name: kernel.name, shape: `n=${n}`, variant,
        medianMs: t.medianMs, minMs: t.minMs, maxMs: t.maxMs, note,
      });
      const perElement = (t: ReturnType<typeof timeIt>) => ((t.medianMs * 1e6) / n).toFixed(2);
      rows.push(
        row('simd', simd, `ns/element: simd ${perElement(simd)}, scalar ${perElement(scalar)}, js ${perElement(plain)}`),
        row('scalar', scalar),
        row('js', plain),
      );
    }
  }
  return rows;
}
