// Whole autodiff steps on the MLPs (ReLU, log-softmax cross-entropy): valueAndGrad,
// gradAndHessian (gradient + exact HVP + Hutchinson estimate, probes included), and the plain-JS
// hand-derived gradient + HVP (bench/baseline/mlp.ts) beside them.
// Targets: 784-1024-1024-10 batch 128: gradAndHessian ≤ 90 ms and ≤ 3.2 × valueAndGrad;
// 784-128-10 batch 32: gradAndHessian ≤ 1.5 ms.
import { timeIt, BASELINE, type BenchRow } from '../harness.js';
import { mlpGradHvp, type Layer } from '../baseline/mlp.js';
import { gradAndHessian, valueAndGrad, random, stax, np, nn, tree, tensor, Tensor } from '../../src/index.js';

const MODELS = [
  { sizes: [784, 1024, 1024, 10], batch: 128 },
  { sizes: [784, 128, 10], batch: 32 },
];

/** An MLP of `sizes` (ReLU between layers) with random params and a batch, and its log-softmax cross-entropy. */
export function model(sizes: number[], batch: number) {
  const layers = sizes.slice(1).flatMap((n, i) => (i < sizes.length - 2 ? [stax.Dense(n), stax.Relu] : [stax.Dense(n)]));
  const [init, apply] = stax.serial(...layers);
  const [k1, k2, k3] = random.split(random.key(0), 3);
  const [, params] = init(k1, [-1, sizes[0]]);
  const x = random.uniform(k2, [batch, sizes[0]]);
  const labels = random.bits(k3, [batch]);
  const classes = sizes.at(-1)!;
  const onehot = new Float32Array(batch * classes);
  labels.forEach((l, i) => (onehot[i * classes + (l % classes)] = 1));
  const y = tensor(onehot, [batch, classes]);
  const loss = (p: any, xb: Tensor, yb: Tensor) => np.negative(np.mean(np.sum(np.multiply(nn.logSoftmax(apply(p, xb)), yb), 1)));
  return { params, x, y, loss };
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const { sizes, batch } of MODELS) {
    const shape = `${sizes.join('-')} batch ${batch}`;
    const { params, x, y, loss } = model(sizes, batch);
    const key = random.key(1);
    const vag = valueAndGrad(loss);
    const big = sizes[1] > 512;
    const opts = big ? { minSamples: 10, maxTime: 3 } : { minSamples: 20, maxTime: 2 };

    const tVag = timeIt(() => vag(params, x, y), opts);
    const tGah = timeIt(() => gradAndHessian(loss, [params, x, y], key), opts);

    // plain JS: the same gradient + HVP by hand; check it agrees before timing it
    const layers = (params as any[]).filter((p) => p.length === 2).map(([w, b]: Tensor[]) => [w.data, b.data] as Layer);
    const probeKeys = random.split(key, layers.length * 2);
    const v = layers.map((_, l) => [
      random.rademacher(probeKeys[2 * l], [sizes[l], sizes[l + 1]]).data,
      random.rademacher(probeKeys[2 * l + 1], [sizes[l + 1]]).data,
    ] as Layer);
    const js = () => mlpGradHvp(layers, x.data, y.data, { sizes, batch }, v);
    const [, h] = gradAndHessian(loss, [params, x, y], key);
    const ours = (tree.leaves(h) as Tensor[]).map((t) => t.data);
    const theirs = js().hvp!.flatMap(([w, b], l) => [w.map((q, i) => q * v[l][0][i]), b.map((q, i) => q * v[l][1][i])]);
    let diff = 0;
    let scale = 0;
    ours.forEach((o, i) => o.forEach((q, j) => ((diff = Math.max(diff, Math.abs(q - theirs[i][j]))), (scale = Math.max(scale, Math.abs(theirs[i][j]))))));
    const tJs = timeIt(js, big ? { minSamples: 3, maxTime: 1 } : opts);

    const row = (name: string, variant: string, t: ReturnType<typeof timeIt>, note?: string): BenchRow => ({
      suite: 'autodiff', name, shape, variant, medianMs: t.medianMs, minMs: t.minMs, maxMs: t.maxMs, note,
    });
    rows.push(row('valueAndGrad', 'wasm', tVag));
    rows.push(
      row('gradAndHessian', 'wasm', tGah, `${(tGah.medianMs / tVag.medianMs).toFixed(2)}× valueAndGrad; v⊙Hv vs JS rel. diff ${(diff / scale).toExponential(1)}`),
    );
    rows.push(row('gradAndHessian', BASELINE, tJs));
  }
  return rows;
}
