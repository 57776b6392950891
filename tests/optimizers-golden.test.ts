// AdaHessian against the golden files: the seed (AdaHessianJax under JAX) and the PyTorch
// reference optimizer, each to ≤ 1e-5 relative (max-norm over the leaves) after every step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hvp, np, nn, tree, type Tensor } from '../src/index.js';
import { adahessian } from '../src/optimizers/index.js';
import { leafData, relativeError } from './optimizers-reference.js';
import { golden, toTensors } from './helpers/golden.js';

test("seed golden: adahessian({ stepSize: 0.05 }) reproduces AdaHessianJax's five steps ('last' averaging)", () => {
  const g = golden('seed_mlp_relu.json');
  assert.equal(g.optimizer.step_size, 0.05);
  assert.equal(g.optimizer.averaging, 'last');
  const [init, update, getParams] = adahessian({ stepSize: 0.05 });
  let state = init(toTensors(g.params));
  for (let i = 0; i < g.step_grads.length; i++) {
    state = update(i, toTensors(g.step_grads[i]), toTensors(g.step_hessians[i]), state);
    const err = relativeError(leafData(getParams(state)), leafData(toTensors(g.params_after_each_step[i])));
    assert.ok(err <= 1e-5, `step ${i}: relative error ${err}`);
  }
});

/**
 * The golden network's loss: mean cross-entropy of log-softmax(relu MLP), params [[W, b], ...].
 * Written with np.matmul + np.add (the unfused path); tests/helpers/golden.ts's mlpLoss uses the
 * fused nn.dense, so the two golden suites cover both.
 */
function loss(params: [Tensor, Tensor][], x: Tensor, y: Tensor): Tensor {
  let h = x;
  params.forEach(([w, b], layer) => {
    h = np.add(np.matmul(h, w), b);
    if (layer < params.length - 1) h = nn.relu(h);
  });
  return np.negative(np.mean(np.sum(np.multiply(nn.logSoftmax(h, -1), y), 1)));
}

const SPATIAL: Record<string, 'none' | ((s: readonly number[]) => number[])> = {
  inputs: (s) => (s.length === 2 ? [0] : []), // the PyTorch reference's per-output-unit mean
  none: 'none',
};

test(
  'PyTorch golden: six cases (inputs / none averaging, three hyper-parameter sets), D = v ⊙ Hv',
  () => {
    const g = golden('adahessian_mlp_relu.json');
    assert.match(g.note, /\[in,out\]/);
    const x = toTensors(g.x);
    const y = toTensors(g.y);
    assert.equal(g.cases.length, 6);
    for (const c of g.cases) {
      const { lr, betas, eps, weight_decay, hessian_power } = c.hyper;
      const [init, update, getParams] = adahessian({
        stepSize: lr,
        b1: betas[0],
        b2: betas[1],
        eps,
        weightDecay: weight_decay,
        hessianPower: hessian_power,
        spatialAverage: SPATIAL[c.spatial_average],
      });
      let state = init(toTensors(g.params));
      for (let i = 0; i < g.v_per_step.length; i++) {
        const v = toTensors(g.v_per_step[i]);
        const [gradient, hv] = hvp(loss, [getParams(state), x, y], v);
        const d = tree.map((vi: Tensor, hvi: Tensor) => np.multiply(vi, hvi), v, hv);
        state = update(i, gradient, d, state);
        const err = relativeError(leafData(getParams(state)), leafData(toTensors(c.params_after_each_step[i])));
        assert.ok(err <= 1e-5, `${c.spatial_average} ${JSON.stringify(c.hyper)} step ${i}: relative error ${err}`);
      }
    }
  },
);
