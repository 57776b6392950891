// The autodiff against numbers computed elsewhere: PyTorch in float64 (hvp_mlp_relu.json) and
// the seed, AdaHessianJax, run under JAX (seed_mlp_relu.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hvp, valueGradAndHessian, random, tree, Tensor, np } from '../src/index.js';
import { golden, toTensors, assertClose, mlpLoss } from './helpers/golden.js';

const pt = golden('hvp_mlp_relu.json');
const seed = golden('seed_mlp_relu.json');

test('PyTorch float64 golden: loss, gradient, HVP and v ⊙ Hv of a 6-5-4-3 ReLU MLP', () => {
  const params = toTensors(pt.params);
  const [x, y] = [toTensors(pt.x), toTensors(pt.y)];
  const v = toTensors(pt.v);
  const [g, hv] = hvp(mlpLoss, [params, x, y], v);
  assertClose(g, pt.grad, 1e-5, 'gradient');
  assertClose(hv, pt.hvp, 1e-5, 'HVP');
  const estimate = tree.map((vi: Tensor, h: Tensor) => np.multiply(vi, h), v, hv);
  assertClose(estimate, pt.hessian_estimate, 1e-5, 'v ⊙ Hv');
  const [value] = valueGradAndHessian(mlpLoss, [params, x, y], random.key(0));
  assert.ok(Math.abs(value.item() - pt.value) <= 1e-5 * Math.abs(pt.value), `loss ${value.item()} vs ${pt.value}`);
});

test("seed golden: the seed's probes regenerate bit for bit, and hvp gives its gradient and params-only HVP", () => {
  const params = toTensors(seed.params);
  const [x, y] = [toTensors(seed.x), toTensors(seed.y)];
  const key = Uint32Array.from(seed.key);
  // the seed draws every leaf's probe from one key
  const probes = tree.map((p: Tensor) => random.rademacher(key, p.shape), params);
  const fileProbes = tree.leaves(toTensors(seed.probes)) as Tensor[];
  (tree.leaves(probes) as Tensor[]).forEach((p, i) =>
    assert.deepEqual(Array.from(p.data), Array.from(fileProbes[i].data), `probe of leaf ${i}`),
  );
  const [g, hv] = hvp(mlpLoss, [params, x, y], probes);
  assertClose(g, seed.grad, 1e-5, 'gradient');
  assertClose(hv, seed.hvp_params_only, 1e-5, 'params-only HVP');
  const estimate = tree.map((v: Tensor, h: Tensor) => np.multiply(v, h), probes, hv);
  assertClose(estimate, seed.hessian_params_only, 1e-5, 'params-only Hutchinson estimate');
});

test('gradAndHessian = v ⊙ hvp(v) with the documented probes, bit for bit, and repeatable', () => {
  const params = toTensors(pt.params);
  const [x, y] = [toTensors(pt.x), toTensors(pt.y)];
  const rng = random.key(42);
  const [, g, h] = valueGradAndHessian(mlpLoss, [params, x, y], rng);
  const [leaves, def] = tree.flatten(params);
  const keys = random.split(rng, leaves.length);
  const v = tree.unflatten(def, (leaves as Tensor[]).map((p, i) => random.rademacher(keys[i], p.shape)));
  const [g2, hv] = hvp(mlpLoss, [params, x, y], v);
  const byHand = tree.map((vi: Tensor, hi: Tensor) => np.multiply(vi, hi), v, hv);
  const bits = (t: any) => (tree.leaves(t) as Tensor[]).map((l) => Array.from(new Uint32Array(l.data.buffer, l.data.byteOffset, l.size)));
  assert.deepEqual(bits(h), bits(byHand));
  assert.deepEqual(bits(g), bits(g2));
  const [, g3, h3] = valueGradAndHessian(mlpLoss, [params, x, y], rng);
  assert.deepEqual(bits(h3), bits(h));
  assert.deepEqual(bits(g3), bits(g));
});

test('gradAndHessian with samples averages the per-sample estimates from split(rng, samples)', () => {
  const params = toTensors(pt.params);
  const [x, y] = [toTensors(pt.x), toTensors(pt.y)];
  const rng = random.key(7);
  const [, , h] = valueGradAndHessian(mlpLoss, [params, x, y], rng, 0, { samples: 3 });
  const each = random.split(rng, 3).map((k) => valueGradAndHessian(mlpLoss, [params, x, y], k)[2]);
  const mean = tree.map((a: Tensor, b: Tensor, c: Tensor) => np.divide(np.add(np.add(a, b), c), 3), ...(each as [any, any, any]));
  assertClose(h, tree.map((t: Tensor) => t, mean), 1e-6, 'average of three samples');
});
