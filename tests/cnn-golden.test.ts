// The small CNN of tests/fixtures/hvp_cnn_small.json and adahessian_cnn_small.json (float64
// PyTorch in JAX stax's layouts, checked equal to JAX stax): its gradient and HVP ≤ 1e-4 relative,
// and five steps of the PyTorch reference AdaHessian (image classification: conv kernels' |Hv|
// averaged over the window) with spatialAverage 'conv' ≤ 5e-5 (max-norm per tree).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hvp, np, random, stax, tree, type Tensor } from '../src/index.js';
import { adahessian } from '../src/optimizers/index.js';
import { golden, relativeError, toTensors } from './helpers/golden.js';

/** The stax model the fixture's `spec.layers` describe. */
function modelOf(layers: any[]): stax.Layer {
  return stax.serial(
    ...layers.map(([kind, ...args]): stax.Layer => {
      switch (kind) {
        case 'conv': return stax.Conv(args[0], args[1], args[2], args[3]);
        case 'maxpool': return stax.MaxPool(args[0], args[1]);
        case 'avgpool': return stax.AvgPool(args[0], args[1]);
        case 'dense': return stax.Dense(args[0]);
        case 'relu': return stax.Relu;
        case 'tanh': return stax.Tanh;
        case 'flatten': return stax.Flatten;
        case 'logsoftmax': return stax.LogSoftmax;
        default: throw new Error(`unknown layer ${kind}`);
      }
    }),
  );
}

/**
 * The fixture's params [[kernel|W, bias], ...] (one entry per layer with weights) as stax params:
 * one entry per layer, [] for the others, and a conv bias [C] as stax's [1, 1, 1, C].
 */
function toStax(layers: any[], weights: any[]): any[] {
  let next = 0;
  return layers.map(([kind]) => {
    if (kind !== 'conv' && kind !== 'dense') return [];
    const [w, b] = toTensors(weights[next++]) as [Tensor, Tensor];
    return [w, kind === 'conv' ? np.reshape(b, [1, 1, 1, b.shape[0]]) : b];
  });
}

const loss = (apply: stax.ApplyFun) => (params: unknown, x: Tensor, y: Tensor): Tensor =>
  np.negative(np.mean(np.sum(np.multiply(apply(params, x), y), 1)));

test('CNN golden: the stax model has the fixture\'s shapes, loss, gradient and HVP (≤ 1e-4 relative)', () => {
  const g = golden('hvp_cnn_small.json');
  assert.match(g.layout, /x NHWC; conv kernel HWIO/);
  const [init, apply] = modelOf(g.spec.layers);
  const [outShape, initParams] = init(random.key(0), [-1, ...g.spec.input.slice(1)]);
  assert.deepEqual(outShape, [-1, g.spec.classes]);
  const params = toStax(g.spec.layers, g.params);
  assert.deepEqual(
    tree.leaves(initParams).map((t: any) => t.shape),
    tree.leaves(params).map((t: any) => t.shape),
    'stax init makes params of the fixture\'s shapes',
  );
  const x = toTensors(g.x);
  const y = toTensors(g.y);
  assert.ok(Math.abs(loss(apply)(params, x, y).item() - g.value) <= 1e-5 * Math.abs(g.value), 'loss');
  const [gradient, hv] = hvp(loss(apply), [params, x, y], toStax(g.spec.layers, g.v));
  const e1 = relativeError(gradient, toStax(g.spec.layers, g.grad));
  const e2 = relativeError(hv, toStax(g.spec.layers, g.hvp));
  assert.ok(e1 <= 1e-4, `gradient: relative error ${e1}`);
  assert.ok(e2 <= 1e-4, `HVP: relative error ${e2}`);
});

test("CNN golden: five steps of the PyTorch reference AdaHessian with spatialAverage 'conv' (≤ 5e-5 relative)", () => {
  const g = golden('adahessian_cnn_small.json');
  assert.match(g.note, /axes \[0,1\] of HWIO/);
  const [, apply] = modelOf(g.spec.layers);
  const x = toTensors(g.x);
  const y = toTensors(g.y);
  assert.equal(g.cases.length, 3);
  for (const c of g.cases) {
    const { lr, betas, eps, weight_decay, hessian_power } = c.hyper;
    const [optInit, update, getParams] = adahessian({
      stepSize: lr, b1: betas[0], b2: betas[1], eps, weightDecay: weight_decay, hessianPower: hessian_power, spatialAverage: 'conv',
    });
    let state = optInit(toStax(g.spec.layers, g.params));
    for (let i = 0; i < g.v_per_step.length; i++) {
      const v = toStax(g.spec.layers, g.v_per_step[i]);
      const [gradient, hv] = hvp(loss(apply), [getParams(state), x, y], v);
      const d = tree.map((vi: Tensor, hvi: Tensor) => np.multiply(vi, hvi), v, hv);
      state = update(i, gradient, d, state);
      const err = relativeError(getParams(state), toStax(g.spec.layers, c.params_after_each_step[i]));
      assert.ok(err <= 5e-5, `${JSON.stringify(c.hyper)} step ${i}: relative error ${err}`);
    }
  }
});
