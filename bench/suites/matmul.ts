// Dense matmul: GFLOP/s (2·m·k·n / median time) of the wasm SIMD kernel, the wasm scalar kernel
// and the plain-JS loops (bench/baseline/matmul.ts), for A·B, Aᵀ·B and A·Bᵀ at the MLP's shapes.
// Targets for SIMD: ≥ 40 GFLOP/s at 128×784×1024 and 128×1024×1024, ≥ 25 at 128×1024×10.
import { gflops, timeIt, type BenchRow } from '../harness.js';
import { matmulAB, matmulABt, matmulAtB } from '../baseline/matmul.js';
import { matmulInto, matmulUsing, type MatmulOptions } from '../../src/kernels/matmul.js';
import { core } from '../../src/wasm/instance.js';
import { lcgFloats } from '../../tests/helpers/lcg.js';
import { allocF32, copyIn, f32, mark, release } from '../../src/wasm/arena.js';

const SHAPES: [number, number, number][] = [
  [128, 784, 1024],
  [128, 1024, 1024],
  [128, 1024, 10],
];

const matmulScalarInto = matmulUsing(core.matmulScalar);

type JsKernel = (a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number) => void;

const VARIANTS: { name: string; opts: MatmulOptions; js: JsKernel }[] = [
  { name: 'A·B', opts: {}, js: matmulAB },
  { name: 'Aᵀ·B', opts: { transA: true }, js: matmulAtB },
  { name: 'A·Bᵀ', opts: { transB: true }, js: matmulABt },
];

const randomValues = (count: number, seed: number) => lcgFloats(seed, count);

/** Largest |x - y| / (max |y| over all elements): the JS loops round differently, not wrongly. */
function relativeDifference(x: Float32Array, y: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    diff = Math.max(diff, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return diff / scale;
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const variant of VARIANTS) {
    for (const [m, k, n] of SHAPES) {
      const shape = `${m}×${k}×${n}`;
      const flops = 2 * m * k * n;
      // the operands as stored: A is k×m for Aᵀ·B, B is n×k for A·Bᵀ (same sizes either way)
      const a = randomValues(m * k, 1);
      const b = randomValues(k * n, 2);
      const cJs = new Float32Array(m * n);

      const arenaMark = mark();
      const pa = copyIn(a);
      const pb = copyIn(b);
      const pc = allocF32(m * n);

      const row = (v: string, t: ReturnType<typeof timeIt>, note?: string): BenchRow => ({
        suite: 'matmul', name: variant.name, shape, variant: v,
        medianMs: t.medianMs, minMs: t.minMs, maxMs: t.maxMs, gflops: gflops(flops, t.medianMs), note,
      });

      const simd = timeIt(() => matmulInto(pa, pb, pc, m, k, n, variant.opts), { minSamples: 20, maxTime: 1 });
      const wasmResult = f32(pc, m * n).slice();
      const scalar = timeIt(() => matmulScalarInto(pa, pb, pc, m, k, n, variant.opts), {
        minSamples: 5, maxTime: 0.3,
      });
      const js = timeIt(() => variant.js(a, b, cJs, m, k, n), { minSamples: 5, maxTime: 0.3 });
      release(arenaMark);

      // a benchmark of a wrong product would be worthless: check the JS loops agree
      const diff = relativeDifference(cJs, wasmResult);
      if (!(diff < 1e-4)) {
        throw new Error(`matmul bench: ${variant.name} ${shape}: JS and wasm differ by ${diff} (relative)`);
      }
      rows.push(row('simd', simd), row('scalar', scalar), row('js', js));
    }
  }
  return rows;
}
