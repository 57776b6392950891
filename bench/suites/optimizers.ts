// One optimizer update over the 1.86 M parameters of the 784-1024-1024-10 MLP (W [784, 1024],
// b [1024], W [1024, 1024], b [1024], W [1024, 10], b [10]), wasm beside the plain-JS baseline
// (bench/baseline/optimizers.ts):
//   - the fused AdaHessian kernel alone, in place on raw wasm addresses (D given): target ≤ 6 ms;
//   - the averaging pass (means, broadcast) + fused kernel in place;
//   - the means + the step that reads them per row, out of place (all the wasm work of an update);
//   - the public update(i, grads, hessians, state) on grads and hessians straight from
//     gradAndHessian (still in wasm memory), the old state disposed: target ≤ 1.3× the fused kernel;
//   - the same update on JS tensors (copied in), in a loop that disposes the state it replaces, and
//     in one that keeps every state;
//   - Adam's fused kernel and public update, for comparison.
import { BASELINE, median, timeIt, type BenchRow } from '../harness.js';
import { adahessianStepJs, adahessianUpdateJs, adamStepJs, averageLastJs } from '../baseline/optimizers.js';
import { Tensor, gradAndHessian, np, random } from '../../src/index.js';
import { ResidentTensor } from '../../src/wasm/resident-tensor.js';
import { adahessian, adam } from '../../src/optimizers/index.js';
import { core } from '../../src/wasm/instance.js';
import { f32, f64 } from '../../src/wasm/arena.js';
import { allocBlock } from '../../src/wasm/resident.js';
import { lcgFloats } from '../../tests/helpers/lcg.js';

const SHAPES = [[784, 1024], [1024], [1024, 1024], [1024], [1024, 10], [10]];
const SIZES = SHAPES.map((s) => s.reduce((p, d) => p * d, 1));
const TOTAL = SIZES.reduce((a, b) => a + b, 0);
const SHAPE_LABEL = `784-1024-1024-10 (${(TOTAL / 1e6).toFixed(2)} M params)`;
const HYPER = { stepSize: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-8, weightDecay: 0, hessianPower: 1 };
const STEP = 10; // i: a state some steps in, so the moments are not zero
/** adahessianStep's last seven arguments (adahessianStepRows reads them from memory). */
const ADAHESSIAN_CONSTANTS = [STEP + 1, HYPER.stepSize, HYPER.b1, HYPER.b2, HYPER.eps, HYPER.weightDecay, HYPER.hessianPower] as const;
const OPTS = { minSamples: 20, maxTime: 2 };
/** One round of pairedRatio: short, so that both sides of a pair see about the same load. */
const ROUND = { minSamples: 10, maxTime: 0.25 };
const ROUNDS = 7;

/**
 * The median over ROUNDS rounds of a's time over b's, the two timed back to back in each round:
 * on a shared machine the load changes between rows, which skews a ratio of two separate rows.
 */
function pairedRatio(a: () => void, b: () => void): number {
  const ratios = Array.from({ length: ROUNDS }, () => timeIt(a, ROUND).medianMs / timeIt(b, ROUND).medianMs);
  return median(ratios.sort((p, q) => p - q));
}

const filled = (seed: number, n: number, lo: number, hi: number) => lcgFloats(seed, n, lo, hi);
const leafArrays = (seed: number, lo = -1, hi = 1) => SIZES.map((n, k) => filled(seed * 31 + k, n, lo, hi));
const tensors = (arrays: Float32Array[]) => arrays.map((a, k) => new Tensor(a, SHAPES[k]));

/**
 * Gradients and Hessians as a training loop gets them: from gradAndHessian, still in wasm memory.
 * f(p) = Σ g0·p + ½ Σ h0·p² has gradient g0 + h0·p and Hutchinson estimate v ⊙ (H v) = h0
 * exactly (v² = 1), so an update sees the Hessian `hessians` holds.
 */
export function residentInputs(params: Tensor[], grads: Tensor[], hessians: Tensor[]): [Tensor[], Tensor[]] {
  const quadratic = (p: Tensor[]) =>
    p.map((pk, k) => np.sum(np.add(np.multiply(grads[k], pk), np.multiply(np.multiply(hessians[k], 0.5), np.square(pk))))).reduce((a, b) => np.add(a, b));
  const [g, h] = gradAndHessian(quadratic, [params], random.key(0)) as [Tensor[], Tensor[]];
  if (![...g, ...h].every((t) => t instanceof ResidentTensor && t.address >= 0)) throw new Error('gradAndHessian results are not in wasm memory');
  return [g, h];
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const row = (name: string, variant: string, t: ReturnType<typeof timeIt>, note?: string): BenchRow => ({
    suite: 'optimizers', name, shape: SHAPE_LABEL, variant, medianMs: t.medianMs, minMs: t.minMs, maxMs: t.maxMs, note,
  });
  const x = leafArrays(1, -0.1, 0.1);
  const g = leafArrays(2);
  const h = leafArrays(3, -2, 2);

  // --- the kernels alone, on raw wasm addresses (long-lived blocks, so update() can run between) --
  const ptrs = SIZES.map((n) => ({ x: allocBlock(n), m: allocBlock(n), v: allocBlock(n), g: allocBlock(n), h: allocBlock(n), d: allocBlock(n) }));
  ptrs.forEach((p, k) => {
    f32(p.x, SIZES[k]).set(x[k]);
    f32(p.m, SIZES[k]).set(g[k].map((q) => 0.1 * q));
    f32(p.v, SIZES[k]).set(h[k].map((q) => 0.01 * q * q));
    f32(p.g, SIZES[k]).set(g[k]);
    f32(p.h, SIZES[k]).set(h[k]);
    f32(p.d, SIZES[k]).set(averageLastJs(h[k], SHAPES[k]));
  });
  const fused = () => {
    ptrs.forEach((p, k) =>
      core.adahessianStep(p.x, p.m, p.v, p.g, p.d, p.x, p.m, p.v, SIZES[k], ...ADAHESSIAN_CONSTANTS),
    );
  };
  // averaging as update() does it for 'last': per-row means, then broadcast back over the rows
  const scratch = allocBlock(1024);
  const averageAndFused = () => {
    ptrs.forEach((p, k) => {
      const [rows, cols] = SHAPES[k].length === 2 ? SHAPES[k] : [0, 0];
      let d = p.h;
      if (rows > 0) {
        core.spatialMeanAbs(p.h, scratch, rows, cols, 1);
        core.broadcastAxis(scratch, p.d, rows, cols, 1, false);
        d = p.d;
      }
      core.adahessianStep(p.x, p.m, p.v, p.g, d, p.x, p.m, p.v, SIZES[k], ...ADAHESSIAN_CONSTANTS);
    });
  };
  // what update() does for 'last': the means, then the step reading them per row, into new arrays
  const outs = SIZES.map((n) => ({ x: allocBlock(n), m: allocBlock(n), v: allocBlock(n) }));
  const hyper = allocBlock(14); // 7 float64
  f64(hyper, 7).set(ADAHESSIAN_CONSTANTS);
  const meansAndRows = () => {
    ptrs.forEach((p, k) => {
      const o = outs[k];
      if (SHAPES[k].length === 2) {
        const [rows, cols] = SHAPES[k];
        core.spatialMeanAbs(p.h, scratch, rows, cols, 1);
        core.adahessianStepRows(p.x, p.m, p.v, p.g, scratch, o.x, o.m, o.v, rows, cols, 1, hyper);
      } else {
        core.adahessianStep(p.x, p.m, p.v, p.g, p.h, o.x, o.m, o.v, SIZES[k], ...ADAHESSIAN_CONSTANTS);
      }
    });
  };
  const adamFused = () => {
    ptrs.forEach((p, k) => core.adamStep(p.x, p.m, p.v, p.g, p.x, p.m, p.v, SIZES[k], STEP + 1, HYPER.stepSize, HYPER.b1, HYPER.b2, HYPER.eps, 0));
  };
  const tFused = timeIt(fused, OPTS);
  const tAverageFused = timeIt(averageAndFused, OPTS);
  const tMeansRows = timeIt(meansAndRows, OPTS);
  const tAdamFused = timeIt(adamFused, OPTS);

  const jsLeaves = SIZES.map((n, k) => ({ x: x[k].slice(), m: g[k].map((q) => 0.1 * q), v: h[k].map((q) => 0.01 * q * q), d: averageLastJs(h[k], SHAPES[k]) }));
  const tFusedJs = timeIt(() => jsLeaves.forEach((l, k) => adahessianStepJs(l.x, l.m, l.v, g[k], l.d, STEP + 1, HYPER)), OPTS);
  const tAverageFusedJs = timeIt(
    () => jsLeaves.forEach((l, k) => adahessianStepJs(l.x, l.m, l.v, g[k], averageLastJs(h[k], SHAPES[k]), STEP + 1, HYPER)),
    OPTS,
  );
  const tAdamFusedJs = timeIt(() => jsLeaves.forEach((l, k) => adamStepJs(l.x, l.m, l.v, g[k], STEP + 1, HYPER)), OPTS);

  // --- the public update calls -----------------------------------------------------------------
  const [init, update] = adahessian(HYPER);
  let state = init(tensors(x));
  const grads = tensors(g);
  const hessians = tensors(h);
  const advance = <S extends { dispose(): void }>(next: S, old: S) => (old.dispose(), next);
  for (let i = 0; i < STEP; i++) state = advance(update(i, grads, hessians, state), state);
  // A loop that disposes the state it replaces keeps every state in wasm memory; one that keeps
  // them all, once 4 states hold wasm blocks, works in the arena and copies each result out.
  const tUpdate = timeIt(() => update(STEP, grads, hessians, state).dispose(), OPTS);

  // Gradients and Hessians as a training loop gets them (the averaging sees the rows above' Hessian).
  const [residentGrads, residentHessians] = residentInputs(tensors(x), grads, hessians);
  const updateResident = () => update(STEP, residentGrads, residentHessians, state).dispose();
  const tUpdateResident = timeIt(updateResident, OPTS);
  const pairedToFused = pairedRatio(updateResident, fused);
  const pairedToAverageFused = pairedRatio(updateResident, averageAndFused);
  const tDelayed = timeIt(() => update(STEP, grads, null, state).dispose(), OPTS);

  const [adamInit, adamUpdate] = adam(HYPER.stepSize);
  let adamState = adamInit(tensors(x));
  for (let i = 0; i < STEP; i++) adamState = advance(adamUpdate(i, grads, adamState), adamState);
  const tAdamUpdate = timeIt(() => adamUpdate(STEP, grads, adamState).dispose(), OPTS);
  // last: the states it keeps hold wasm blocks until they are finalized
  const tUpdateKept = timeIt(() => update(STEP, grads, hessians, state), OPTS);

  const jsState = SIZES.map((_, k) => ({ shape: SHAPES[k], x: x[k], m: jsLeaves[k].m, v: jsLeaves[k].v }));
  const tUpdateJs = timeIt(() => adahessianUpdateJs(jsState, g, h, STEP, HYPER), OPTS);
  const tAdamUpdateJs = timeIt(
    () => jsState.map((l, k) => {
      const next = { x: l.x.slice(), m: l.m.slice(), v: l.v.slice() };
      adamStepJs(next.x, next.m, next.v, g[k], STEP + 1, HYPER);
      return next;
    }),
    OPTS,
  );

  const ratio = (t: ReturnType<typeof timeIt>, of: ReturnType<typeof timeIt>) => (t.medianMs / of.medianMs).toFixed(2);
  rows.push(row('adahessian fused kernel (arena, D given)', 'wasm', tFused, 'target ≤ 6 ms'));
  rows.push(row('adahessian fused kernel (arena, D given)', BASELINE, tFusedJs));
  rows.push(row('adahessian averaging + fused kernel (arena)', 'wasm', tAverageFused, "'last' averaging"));
  rows.push(row('adahessian averaging + fused kernel (arena)', BASELINE, tAverageFusedJs));
  rows.push(row('adahessian means + per-row step, out of place (arena)', 'wasm', tMeansRows, `update()'s wasm work: ${ratio(tMeansRows, tFused)}× the fused kernel`));
  rows.push(row(
    'adahessian update() (grads, hessians from gradAndHessian in wasm; old state disposed)', 'wasm', tUpdateResident,
    `target ≤ 1.3× the fused kernel: ${pairedToFused.toFixed(2)}× it, ${pairedToAverageFused.toFixed(2)}× averaging + fused ` +
      `(medians of ${ROUNDS} back-to-back rounds; of the rows: ${ratio(tUpdateResident, tFused)}×, ${ratio(tUpdateResident, tAverageFused)}×)`,
  ));
  rows.push(row('adahessian update() (state in wasm, old one disposed)', 'wasm', tUpdate, `JS grads, hessians copied in: ${ratio(tUpdate, tFused)}× the fused kernel`));
  rows.push(row('adahessian update() (state in wasm, old one disposed)', BASELINE, tUpdateJs, 'JS: new arrays, same algorithm'));
  rows.push(row('adahessian update() (every state kept)', 'wasm', tUpdateKept, 'beyond 4 kept states: arena, copies in and out'));
  rows.push(row('adahessian update() with hessians = null', 'wasm', tDelayed, 'delayed Hessian: v is reused'));
  rows.push(row('adam fused kernel (arena)', 'wasm', tAdamFused));
  rows.push(row('adam fused kernel (arena)', BASELINE, tAdamFusedJs));
  rows.push(row('adam update() (state in wasm, old one disposed)', 'wasm', tAdamUpdate));
  rows.push(row('adam update() (state in wasm, old one disposed)', BASELINE, tAdamUpdateJs));
  return rows;
}
