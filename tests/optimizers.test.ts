// The optimizers against float64 references of their update rules, the spatial averaging, the
// delayed Hessian, the schedules, and the functional (never mutating) state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, tensor, tree } from '../src/index.js';
import { sizeOf } from '../src/tensor.js';
import {
  adahessian,
  adam,
  sgd,
  momentum,
  rmsprop,
  constant,
  exponentialDecay,
  inverseTimeDecay,
  piecewiseConstant,
} from '../src/optimizers/index.js';
import {
  adahessianLeaf64,
  adamLeaf64,
  assertSameBits,
  leafData,
  randomTensor,
  relativeError,
  seedAxes,
  start64,
  type AdahessianHyper64,
  type Moments64,
  type Shape,
} from './optimizers-reference.js';

const SHAPES: Shape[] = [[], [7], [5, 6], [2, 3, 9], [2, 3, 4, 5], [2, 2, 3, 2, 3], [0, 4]];
const params = () => SHAPES.map((s, k) => randomTensor(100 + k, s));
const grads = (step: number) => SHAPES.map((s, k) => randomTensor(1000 * step + k, s));
const hessians = (step: number) => SHAPES.map((s, k) => randomTensor(5000 + 1000 * step + k, s, -2, 2));

/**
 * Runs `steps` AdaHessian updates with the library and the float64 reference side by side and
 * returns the worst relative error of the parameters over all steps.
 */
function compareAdahessian(
  options: Parameters<typeof adahessian>[0],
  hyper: AdahessianHyper64,
  axesOf: (shape: Shape) => number[],
  { steps = 4, delayed = [] as number[], shapes = SHAPES, stepSizeAt = (_i: number) => hyper.stepSize } = {},
): number {
  const [init, update, getParams] = adahessian(options);
  const p0 = shapes.map((s, k) => randomTensor(100 + k, s));
  let state = init(p0);
  let ref: Moments64[] = p0.map(start64);
  let worst = 0;
  for (let i = 0; i < steps; i++) {
    const g = shapes.map((s, k) => randomTensor(1000 * i + k, s));
    const h = delayed.includes(i) ? null : shapes.map((s, k) => randomTensor(5000 + 1000 * i + k, s, -2, 2));
    state = update(i, g, h, state);
    ref = ref.map((r, k) =>
      adahessianLeaf64(r, g[k].data, h ? h[k].data : null, shapes[k], axesOf(shapes[k]), i, {
        ...hyper,
        stepSize: stepSizeAt(i),
      }),
    );
    worst = Math.max(worst, relativeError(leafData(getParams(state)), ref.map((r) => r.x)));
  }
  return worst;
}

const DEFAULTS: AdahessianHyper64 = { stepSize: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-8, weightDecay: 0, hessianPower: 1 };

test("adahessian with every default ('last' averaging) matches the float64 rule on leaves of rank 0 to 5", () => {
  assert.ok(compareAdahessian({}, DEFAULTS, (s) => seedAxes(s.length)) < 1e-6);
});

test("adahessian 'none' averaging, weight decay, eps and a schedule match the float64 rule", () => {
  const opts = { stepSize: exponentialDecay(0.05, 2, 0.5), eps: 1e-4, weightDecay: 0.01, spatialAverage: 'none' as const };
  const stepSizeAt = (i: number) => 0.05 * 0.5 ** (i / 2);
  assert.ok(compareAdahessian(opts, { ...DEFAULTS, stepSize: 0.05, eps: 1e-4, weightDecay: 0.01 }, () => [], { stepSizeAt }) < 1e-6);
});

test('adahessian hessianPower 0.5, 0 and 0.3 (the general power path) match the float64 rule', () => {
  for (const k of [0.5, 0, 0.3]) {
    const err = compareAdahessian({ stepSize: 0.01, hessianPower: k }, { ...DEFAULTS, stepSize: 0.01, hessianPower: k }, (s) => seedAxes(s.length));
    assert.ok(err < 1e-6, `hessianPower ${k}: relative error ${err}`);
  }
});

test('adahessian averages over the axes a spatialAverage function returns (middle, separated, negative)', () => {
  const shapes: Shape[] = [[3, 4, 5], [3, 4, 5, 6], [6, 5], [4, 1, 3]];
  const choose = (s: Shape): number[] =>
    s.length === 3 && s[1] === 4 ? [1] : s.length === 4 ? [0, 2] : s.length === 2 ? [-2] : [0, 1, 2];
  const normalize = (s: Shape) => choose(s).map((a) => (a < 0 ? a + s.length : a));
  const err = compareAdahessian({ stepSize: 0.02, spatialAverage: choose }, { ...DEFAULTS, stepSize: 0.02 }, normalize, { shapes });
  assert.ok(err < 1e-6, `relative error ${err}`);
});

test("'conv' averages a 4-D HWIO kernel over its window [0, 1] and nothing else; 'last' takes [2, 3] there", () => {
  const shapes: Shape[] = [[3, 3, 2, 4], [1, 1, 1, 4], [6, 5], [5], [2, 3, 4]];
  const conv = (s: Shape) => (s.length === 4 ? [0, 1] : []);
  const err = compareAdahessian({ stepSize: 0.02, spatialAverage: 'conv' }, { ...DEFAULTS, stepSize: 0.02 }, conv, { shapes });
  assert.ok(err < 1e-6, `relative error ${err}`);
  // One step from m = v = 0 moves x by stepSize · g / (D + eps): with g = 1 everywhere, x = -1 / D.
  const h = new Tensor(Float32Array.from({ length: 2 * 2 * 1 * 2 }, (_, e) => e + 1), [2, 2, 1, 2]); // h[y][x][0][o] = e + 1
  const step = (spatialAverage: 'conv' | 'last') => {
    const [init, update, getParams] = adahessian({ stepSize: 1, eps: 0, spatialAverage });
    const p = new Tensor(new Float32Array(8), [2, 2, 1, 2]);
    const g = new Tensor(new Float32Array(8).fill(1), [2, 2, 1, 2]);
    return Array.from((getParams(update(0, [g], [h], init([p]))) as Tensor[])[0].data);
  };
  // 'conv': D per output channel o over the 2×2 window: o = 0 → mean(1, 3, 5, 7) = 4, o = 1 → mean(2, 4, 6, 8) = 5
  assert.deepEqual(step('conv'), [-1 / 4, -1 / 5, -1 / 4, -1 / 5, -1 / 4, -1 / 5, -1 / 4, -1 / 5].map(Math.fround));
  // 'last': D per window position over the channels (i, o): (1 + 2) / 2, (3 + 4) / 2, ...
  assert.deepEqual(step('last'), [-1 / 1.5, -1 / 1.5, -1 / 3.5, -1 / 3.5, -1 / 5.5, -1 / 5.5, -1 / 7.5, -1 / 7.5].map(Math.fround));
});

test('a delayed Hessian (null) keeps the second moment and still takes the bias-corrected step', () => {
  const err = compareAdahessian({ stepSize: 0.01 }, { ...DEFAULTS, stepSize: 0.01 }, (s) => seedAxes(s.length), {
    steps: 6,
    delayed: [1, 2, 4],
  });
  assert.ok(err < 1e-6, `relative error ${err}`);
});

test("'last' averaging of a matrix is per row: D is the mean |h| of each row", () => {
  // One step from m = v = 0: mhat = g, vhat = D², so x moves by stepSize · g / (D + eps) with
  // D = (|1| + |-3|) / 2 = 2 for row 0 and (|0.5| + |0.5|) / 2 = 0.5 for row 1.
  const [init, update, getParams] = adahessian({ stepSize: 1, eps: 0 });
  const state = update(0, [tensor([[1, 1], [1, 1]])], [tensor([[1, -3], [0.5, 0.5]])], init([tensor([[0, 0], [0, 0]])]));
  assert.deepEqual(Array.from((getParams(state) as Tensor[])[0].data), [-0.5, -0.5, -2, -2]);
});

test('update never mutates its inputs, and unchanged state arrays stay valid for the old state', () => {
  const [init, update, getParams] = adahessian({ stepSize: 0.1 });
  const p = params();
  const s0 = init(p);
  const snapshot = (t: unknown) => leafData(t).map((a) => a.slice());
  const before = { p: snapshot(p), g: snapshot(grads(0)), h: snapshot(hessians(0)), s0: snapshot(getParams(s0)) };
  const g0 = grads(0);
  const h0 = hessians(0);
  const s1 = update(0, g0, h0, s0);
  const s2 = update(1, grads(1), null, s1);
  assert.deepEqual(snapshot(g0), before.g);
  assert.deepEqual(snapshot(h0), before.h);
  assert.deepEqual(snapshot(getParams(s0)), before.s0);
  assert.deepEqual(snapshot(p), before.p);
  // the old states still step to the same results
  assertSameBits(getParams(update(0, g0, h0, s0)), getParams(s1), 'replayed step 0');
  assertSameBits(getParams(update(1, grads(1), null, s1)), getParams(s2), 'replayed step 1');
  assert.equal(s0.step, 0);
  assert.equal(s1.step, 1);
  assert.equal(s2.step, 2);
});

test('init copies the parameters; getParams rebuilds the tree with its object keys', () => {
  const w = tensor([[1, 2], [3, 4]]);
  const params = { dense: { kernel: w, bias: tensor([0.5, -0.5]) }, scale: tensor(2) };
  const [init, update, getParams] = sgd(0.5);
  const s0 = init(params);
  w.data[0] = 100; // a later change to the caller's tensor does not reach the state
  const p0 = getParams(s0) as any;
  assert.equal(p0.dense.kernel.data[0], 1);
  const g = { dense: { kernel: tensor([[1, 1], [1, 1]]), bias: tensor([1, 1]) }, scale: tensor(4) };
  const p1 = getParams(update(0, g, s0)) as any;
  assert.deepEqual(Object.keys(p1).sort(), ['dense', 'scale']);
  assert.deepEqual(Array.from(p1.dense.kernel.data), [0.5, 1.5, 2.5, 3.5]);
  assert.deepEqual(Array.from(p1.dense.bias.data), [0, -1]);
  assert.deepEqual(p1.scale.shape, []);
  assert.equal(p1.scale.item(), 0);
});

test('each factory returns [init, update, getParams], also as .init/.update/.getParams', () => {
  for (const opt of [adahessian(), adam(), sgd(0.1), momentum(0.1, 0.9), sgd({ stepSize: 0.1 }), momentum({ stepSize: 0.1, mass: 0.5 })]) {
    const [init, update, getParams] = opt;
    assert.equal(opt.length, 3);
    assert.equal(opt.init, init);
    assert.equal(opt.update, update);
    assert.equal(opt.getParams, getParams);
  }
});

test('adam matches the float64 rule of jax.example_libraries.optimizers.adam', () => {
  const hyper = { stepSize: 0.01, b1: 0.8, b2: 0.99, eps: 1e-6 };
  for (const [label, opt] of [['options', adam(hyper)], ['defaults', adam()]] as const) {
    const h = label === 'options' ? hyper : { stepSize: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-8 };
    const [init, update, getParams] = opt;
    let state = init(params());
    let ref: Moments64[] = params().map(start64);
    for (let i = 0; i < 5; i++) {
      const g = grads(i);
      state = update(i, g, state);
      ref = ref.map((r, k) => adamLeaf64(r, g[k].data, i, h));
      const err = relativeError(leafData(getParams(state)), ref.map((r) => r.x));
      assert.ok(err < 1e-6, `${label}, step ${i}: relative error ${err}`);
    }
  }
});

test('adam first step moves every parameter by stepSize · sign(g) (with eps = 0)', () => {
  const [init, update, getParams] = adam({ stepSize: 0.25, eps: 0 });
  const state = update(0, [tensor([3, -0.5, 1e-3, -7])], init([tensor([1, 1, 1, 1])]));
  assert.deepEqual(Array.from((getParams(state) as Tensor[])[0].data), [0.75, 1.25, 0.75, 1.25]);
});

test('sgd and momentum take the hand-computed steps, with float32 rounding as written', () => {
  const f = Math.fround;
  const x0 = [0.3, -1.7, 2.5, 1e-3, 8, -0.25, 0.1];
  const gs = [[0.5, 0.25, -1, 3, 0.1, -0.2, 7], [1, -1, 0.5, 0, 2, 0.3, -0.4]];
  const lr = 0.1;
  const mass = 0.9;

  const [sInit, sUpdate, sGet] = sgd(lr);
  let s = sInit([tensor(x0)]);
  let xs = x0.map(f);
  const [mInit, mUpdate, mGet] = momentum({ stepSize: lr, mass });
  let ms = mInit([tensor(x0)]);
  let xm = x0.map(f);
  let vel = x0.map(() => 0);
  gs.forEach((g, i) => {
    s = sUpdate(i, [tensor(g)], s);
    xs = xs.map((x, e) => f(x - f(f(lr) * f(g[e]))));
    ms = mUpdate(i, [tensor(g)], ms);
    vel = vel.map((v, e) => f(f(f(mass) * v) + f(g[e])));
    xm = xm.map((x, e) => f(x - f(f(lr) * vel[e])));
    assert.deepEqual(Array.from((sGet(s) as Tensor[])[0].data), xs, `sgd step ${i}`);
    assert.deepEqual(Array.from((mGet(ms) as Tensor[])[0].data), xm, `momentum step ${i}`);
  });
  // and against plain float64 arithmetic, within float32 rounding
  assert.ok(Math.abs(xs[0] - (0.3 - 0.1 * 0.5 - 0.1 * 1)) < 1e-7);
  assert.ok(Math.abs(xm[0] - (0.3 - 0.1 * 0.5 - 0.1 * (0.9 * 0.5 + 1))) < 1e-7);
});

test('schedules give the values of their JAX formulas', () => {
  assert.equal(constant(0.1)(0), 0.1);
  assert.equal(constant(0.1)(1234), 0.1);

  const exp = exponentialDecay(2, 10, 0.5);
  assert.equal(exp(0), 2);
  assert.equal(exp(10), 1);
  assert.equal(exp(20), 0.5);
  assert.ok(Math.abs(exp(5) - 2 * Math.SQRT1_2) < 1e-15);

  const inv = inverseTimeDecay(1, 10, 1);
  assert.equal(inv(0), 1);
  assert.equal(inv(10), 0.5);
  assert.equal(inv(15), 1 / 2.5);
  const stairs = inverseTimeDecay(1, 10, 1, true);
  assert.equal(stairs(9), 1);
  assert.equal(stairs(15), 0.5);
  assert.equal(stairs(20), 1 / 3);

  const pc = piecewiseConstant([10, 20], [1, 0.5, 0.1]);
  assert.deepEqual([0, 10, 11, 20, 21, 1000].map(pc), [1, 1, 0.5, 0.5, 0.1, 0.1]);
});

test('a schedule sets the step size of each step (sgd: x moves by schedule(i) · g)', () => {
  const [init, update, getParams] = sgd(piecewiseConstant([0], [1, 0.5]));
  let s = init([tensor([0])]);
  s = update(0, [tensor([1])], s); // step size 1
  s = update(1, [tensor([1])], s); // step size 0.5
  assert.equal((getParams(s) as Tensor[])[0].data[0], -1.5);
});

test('zero-size and scalar leaves go through every optimizer', () => {
  const p = [tensor(1.5), new Tensor(new Float32Array(0), [0, 3])];
  const g = [tensor(0.5), new Tensor(new Float32Array(0), [0, 3])];
  const [ai, au, ag] = adahessian({ stepSize: 0.1 });
  const out = ag(au(0, g, g, ai(p))) as Tensor[];
  assert.deepEqual(out[1].shape, [0, 3]);
  assert.ok(Math.abs(out[0].item() - (1.5 - 0.1)) < 1e-6);
  // first steps from x = 1.5, g = 0.5: adam moves by stepSize (g/|g|), sgd and momentum by
  // stepSize·g, rmsprop by stepSize·g/sqrt(0.1·g² + eps)
  const cases = [
    [adam(0.1), 1.5 - 0.1],
    [sgd(0.1), 1.5 - 0.05],
    [momentum(0.1, 0.9), 1.5 - 0.05],
    [rmsprop(0.1), 1.5 - 0.05 / Math.sqrt(0.025 + 1e-8)],
  ] as const;
  for (const [[init, update, getParams], want] of cases) {
    const r = getParams(update(0, g, init(p))) as Tensor[];
    assert.ok(Math.abs(r[0].item() - want) < 1e-6, `${r[0].item()} vs ${want}`);
    assert.equal(r[1].size, 0);
  }
  assert.equal(sizeOf([0, 3]), 0);
});

test('results do not depend on the order of the calls (no hidden state between updates)', () => {
  const [init, update, getParams] = adahessian({ stepSize: 0.1 });
  const a1 = update(0, grads(0), hessians(0), init(params()));
  const [, update2] = adam();
  update2(0, grads(3), adam().init(params())); // unrelated work in between
  const a2 = update(0, grads(0), hessians(0), init(params()));
  assertSameBits(getParams(a1), getParams(a2), 'same inputs, same bits');
  assert.ok(tree.leaves(getParams(a1)).length === SHAPES.length);
});
