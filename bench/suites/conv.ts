// The example CNN (Conv 32 3×3 VALID → ReLU → MaxPool 2×2/2 → Conv 64 3×3 VALID → ReLU → MaxPool
// 2×2/2 → Flatten → Dense 10 → log-softmax cross-entropy) at batch 128 on 28×28×1 inputs:
// forward, valueAndGrad and gradAndHessian, each beside the plain-JS baseline
// (bench/baseline/cnn.ts), checked against it before timing. Then the convolution kernels alone at
// the CNN's layer shapes in GFLOP/s beside the dense matmul kernel in the same run (target: the
// conv layers at ≥ 70 % of the dense kernel's GFLOP/s, measured taking turns with it), and each
// layer's GEMM without its im2col, which measures what the patch copies cost.
import { gflops, timeIt, BASELINE, type BenchRow, type Timing } from '../harness.js';
import { cnnGradHvp, type CnnShape } from '../baseline/cnn.js';
import { gradAndHessian, valueAndGrad, random, np, nn, tree, Tensor } from '../../src/index.js';
import { convInputGradInto, convInto, convKernelGradInto } from '../../src/kernels/conv.js';
import { matmulInto } from '../../src/kernels/matmul.js';
import { windowGeometry, writeWindow } from '../../src/ops/window.js';
import { allocF32, copyIn, mark, release } from '../../src/wasm/arena.js';
import { interleaved } from '../compare/interleave.js';

const SHAPE: CnnShape = { batch: 128, size: 28, channels: [32, 64], classes: 10 };
const SHAPE_LABEL = 'conv32-pool-conv64-pool-dense10, batch 128, 28×28×1';

type Params = [[Tensor, Tensor], [Tensor, Tensor], [Tensor, Tensor]];

function predict([[k1, b1], [k2, b2], [w, b]]: Params, x: Tensor): Tensor {
  const pool = { strides: 2 } as const;
  const h1 = nn.maxPool(nn.relu(np.add(nn.conv2d(x, k1), b1)), 2, pool);
  const h2 = nn.maxPool(nn.relu(np.add(nn.conv2d(h1, k2), b2)), 2, pool);
  return nn.dense(np.reshape(h2, [h2.shape[0], -1]), w, b);
}

const loss = (p: Params, x: Tensor, y: Tensor) =>
  np.negative(np.mean(np.sum(np.multiply(nn.logSoftmax(predict(p, x)), y), 1)));

function model() {
  const [c1, c2] = SHAPE.channels;
  const flat = 5 * 5 * c2;
  const keys = random.split(random.key(0), 8);
  const scaled = (k: Uint32Array, shape: number[], s: number) => np.multiply(random.normal(k, shape), s);
  const params: Params = [
    [scaled(keys[0], [3, 3, 1, c1], 1 / 3), scaled(keys[1], [c1], 0.01)],
    [scaled(keys[2], [3, 3, c1, c2], 1 / Math.sqrt(9 * c1)), scaled(keys[3], [c2], 0.01)],
    [scaled(keys[4], [flat, SHAPE.classes], 1 / Math.sqrt(flat)), scaled(keys[5], [SHAPE.classes], 0.01)],
  ];
  const x = random.uniform(keys[6], [SHAPE.batch, SHAPE.size, SHAPE.size, 1]);
  const labels = random.bits(keys[7], [SHAPE.batch]);
  const onehot = new Float32Array(SHAPE.batch * SHAPE.classes);
  labels.forEach((l, i) => (onehot[i * SHAPE.classes + (l % SHAPE.classes)] = 1));
  return { params, x, y: new Tensor(onehot, [SHAPE.batch, SHAPE.classes]) };
}

/** Largest |a - b| over the largest |b|, across matching lists of arrays. */
function relativeDifference(ours: Float32Array[], theirs: Float32Array[]): number {
  let diff = 0;
  let scale = 0;
  ours.forEach((o, i) =>
    o.forEach((q, j) => {
      diff = Math.max(diff, Math.abs(q - theirs[i][j]));
      scale = Math.max(scale, Math.abs(theirs[i][j]));
    }),
  );
  return diff / scale;
}

function check(what: string, diff: number, bound: number): string {
  if (!(diff <= bound)) throw new Error(`conv bench: ${what}: wasm and plain JS differ by ${diff} (relative)`);
  return `${what} vs JS rel. diff ${diff.toExponential(1)}`;
}

/** The whole CNN: forward, valueAndGrad, gradAndHessian, wasm and plain JS. */
function wholeModel(): BenchRow[] {
  const { params, x, y } = model();
  const key = random.key(1);
  const leaves = (tree.leaves(params) as Tensor[]).map((t) => t.data);
  // gradAndHessian's probes: leaf i takes rademacher(split(key, nLeaves)[i], its shape)
  const probeKeys = random.split(key, leaves.length);
  const v = (tree.leaves(params) as Tensor[]).map((t, i) => random.rademacher(probeKeys[i], t.shape).data);

  const vag = valueAndGrad(loss);
  const forward = () => loss(params, x, y);
  const gah = () => gradAndHessian(loss, [params, x, y], key);
  const js = (backward: boolean, tangents: boolean) => () => cnnGradHvp(leaves, x.data, y.data, SHAPE, backward, tangents ? v : null);

  // results checked against the plain-JS derivation before anything is timed
  const [value, g] = vag(params, x, y);
  const [, h] = gah();
  const ref = js(true, true)();
  const notes = [
    check('loss', Math.abs(value.item() - ref.loss) / Math.abs(ref.loss), 1e-5),
    check('gradient', relativeDifference((tree.leaves(g) as Tensor[]).map((t) => t.data), ref.grad!), 1e-4),
    check('v⊙Hv', relativeDifference((tree.leaves(h) as Tensor[]).map((t) => t.data), ref.hvp!.map((q, i) => q.map((e, j) => e * v[i][j]))), 1e-3),
  ];

  const ours = { minSamples: 10, maxTime: 3 };
  const theirs = { minSamples: 2, maxTime: 1, warmupCalls: 1 }; // seconds a call: warm after one
  const row = (name: string, variant: string, t: Timing, note?: string): BenchRow => ({
    suite: 'conv', name, shape: SHAPE_LABEL, variant, medianMs: t.medianMs, minMs: t.minMs, maxMs: t.maxMs, note,
  });
  const tForward = timeIt(forward, ours);
  const tVag = timeIt(() => vag(params, x, y), ours);
  const tGah = timeIt(gah, ours);
  return [
    row('forward (loss)', 'wasm', tForward, notes[0]),
    row('forward (loss)', BASELINE, timeIt(js(false, false), theirs)),
    row('valueAndGrad', 'wasm', tVag, notes[1]),
    row('valueAndGrad', BASELINE, timeIt(js(true, false), theirs)),
    row('gradAndHessian', 'wasm', tGah, `${(tGah.medianMs / tVag.medianMs).toFixed(2)}× valueAndGrad; ${notes[2]}`),
    row('gradAndHessian', BASELINE, timeIt(js(true, true), theirs)),
  ];
}

interface Kernel {
  name: string;
  shape: string;
  flops: number;
  fn: () => void;
  /** Part of the "conv layers combined" figure (what the model runs). */
  inModel: boolean;
  note?: string;
}

/** One layer's kernels at the CNN's shapes (2·rows·patch·out flops per product); arena memory stays allocated. */
function layerKernels(name: string, xShape: number[], kShape: number[], first: boolean): Kernel[] {
  const [kh, kw, , out] = kShape;
  const g = windowGeometry('conv2d', xShape, [kh, kw], out, {});
  const rows = g.batch * g.outH * g.outW;
  const patch = kh * kw * g.inC;
  const flops = 2 * rows * patch * out;
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const geometry = writeWindow(g);
  const x = copyIn(random.uniform(random.key(2), xShape).data);
  const k = copyIn(random.uniform(random.key(3), kShape).data);
  const y = allocF32(rows * out);
  const dx = allocF32(size(xShape));
  const dk = allocF32(size(kShape));
  const patches = allocF32(rows * patch);
  const shape = `${JSON.stringify(xShape)} * ${JSON.stringify(kShape)}`;
  const kernel = (what: string, fn: () => void, inModel: boolean, note?: string): Kernel =>
    ({ name: `${name} ${what}`, shape, flops, fn, inModel, note });
  return [
    kernel('forward', () => convInto(x, k, y, geometry), true),
    // a first layer's input needs no gradient: the model never runs this one
    kernel('input gradient', () => convInputGradInto(y, k, dx, geometry), !first),
    kernel('kernel gradient', () => convKernelGradInto(x, y, dk, geometry), true),
    // the same GEMM with its patch matrix already in memory: what im2col costs on top
    kernel('GEMM alone (no im2col)', () => matmulInto(patches, k, y, rows, patch, out), false, `${rows}×${patch}×${out}`),
  ];
}

function denseKernel(): Kernel {
  const [m, k, n] = [128, 784, 1024];
  const a = copyIn(random.uniform(random.key(4), [m, k]).data);
  const b = copyIn(random.uniform(random.key(5), [k, n]).data);
  const c = allocF32(m * n);
  return { name: 'dense matmul A·B (reference)', shape: `${m}×${k}×${n}`, flops: 2 * m * k * n, fn: () => matmulInto(a, b, c, m, k, n), inModel: false };
}

/** The conv kernels in GFLOP/s beside the dense kernel, and the acceptance ratio measured taking turns. */
function kernels(): BenchRow[] {
  const arena = mark();
  const dense = denseKernel();
  const convs = [
    ...layerKernels('conv1', [128, 28, 28, 1], [3, 3, 1, 32], true),
    ...layerKernels('conv2', [128, 13, 13, 32], [3, 3, 32, 64], false),
  ];
  const opts = { minSamples: 10, maxTime: 1 };
  const row = (kernel: Kernel, t: Timing, note?: string): BenchRow => ({
    suite: 'conv kernels', name: kernel.name, shape: kernel.shape, variant: 'simd', medianMs: t.medianMs,
    minMs: t.minMs, maxMs: t.maxMs, gflops: gflops(kernel.flops, t.medianMs), note: [note, kernel.note].filter(Boolean).join('; '),
  });
  const denseTiming = timeIt(dense.fn, { minSamples: 20, maxTime: 1 });
  const denseGflops = gflops(dense.flops, denseTiming.medianMs);
  const rows = [row(dense, denseTiming)];
  for (const kernel of convs) {
    const t = timeIt(kernel.fn, opts);
    rows.push(row(kernel, t, `${((100 * gflops(kernel.flops, t.medianMs)) / denseGflops).toFixed(0)} % of dense`));
  }
  // the acceptance ratio: the model's conv kernels and the dense kernel taking turns, so that a
  // burst of load on this shared machine lands on both alike
  const inModel = convs.filter((c) => c.inModel);
  const turns = interleaved([dense, ...inModel].map((c) => ({ name: c.name, fn: c.fn })), 8, 2);
  const flops = inModel.reduce((s, c) => s + c.flops, 0);
  const ms = turns.slice(1).reduce((s, t) => s + t.medianMs, 0);
  const combined = gflops(flops, ms);
  const denseTurns = gflops(dense.flops, turns[0].medianMs);
  rows.push({
    suite: 'conv kernels', name: 'conv layers combined', shape: 'conv1 (forward, kernel gradient) + conv2 (forward, both gradients)',
    variant: 'simd', medianMs: ms, minMs: ms, maxMs: ms, gflops: combined,
    note: `${((100 * combined) / denseTurns).toFixed(0)} % of dense (${denseTurns.toFixed(1)} GFLOP/s) taking turns (target ≥ 70 %)`,
  });
  release(arena);
  return rows;
}

export async function run(): Promise<BenchRow[]> {
  return [...wholeModel(), ...kernels()];
}
