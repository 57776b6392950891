// adahessian-wasm/flax: the Flax-style classes step exactly as the optimizer triples do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Adahessian, Adam } from '../src/flax.js';
import { adahessian, adam, serialize, deserialize } from '../src/optimizers/index.js';
import { assertSameBits, randomTensor } from './optimizers-reference.js';

const params = () => ({ hidden: [randomTensor(1, [6, 5]), randomTensor(2, [5])], out: [randomTensor(3, [5, 3]), randomTensor(4, [3])] });
const gradsAt = (i: number) => ({
  hidden: [randomTensor(10 + i, [6, 5]), randomTensor(20 + i, [5])],
  out: [randomTensor(30 + i, [5, 3]), randomTensor(40 + i, [3])],
});
const hessiansAt = (i: number) => ({
  hidden: [randomTensor(50 + i, [6, 5], 0, 2), randomTensor(60 + i, [5], 0, 2)],
  out: [randomTensor(70 + i, [5, 3], 0, 2), randomTensor(80 + i, [3], 0, 2)],
});

test('Adahessian (Flax) and adahessian (triple) give bit-identical trajectories', () => {
  const hyper = { b1: 0.8, b2: 0.99, eps: 1e-6, weightDecay: 1e-3, hessianPower: 0.5 };
  // step 3 overrides the learning rate; the triple gets the same rate from its schedule
  const lrAt = (i: number) => (i === 3 ? 0.01 : 0.05);
  const [init, update, getParams] = adahessian({ ...hyper, stepSize: lrAt });
  let state = init(params());
  let flax = new Adahessian({ learningRate: 0.05, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 1e-3, hessianPower: 0.5 }).create(params());
  for (let i = 0; i < 8; i++) {
    const h = i % 4 === 2 ? null : hessiansAt(i); // a delayed Hessian on steps 2 and 6
    state = update(i, gradsAt(i), h, state);
    flax = flax.applyGradient(gradsAt(i), h, i === 3 ? { learningRate: 0.01 } : undefined);
    assert.equal(flax.state.step, i + 1);
    assertSameBits(flax.target, getParams(state), `step ${i}`);
  }
  assert.deepEqual(serialize(flax.state), serialize(state));
});

test("Adahessian (Flax) accepts spatialAverage 'conv' and steps as the triple does on a conv kernel", () => {
  const kernel = (seed: number, lo = -1) => [randomTensor(seed, [3, 3, 2, 4], lo, 2), randomTensor(seed + 1, [1, 1, 1, 4], lo, 2)];
  const [init, update, getParams] = adahessian({ stepSize: 0.05, spatialAverage: 'conv' });
  let state = init(kernel(1));
  let flax = new Adahessian({ learningRate: 0.05, spatialAverage: 'conv' }).create(kernel(1));
  for (let i = 0; i < 3; i++) {
    state = update(i, kernel(10 + i), kernel(20 + i, 0), state);
    flax = flax.applyGradient(kernel(10 + i), kernel(20 + i, 0));
    assertSameBits(flax.target, getParams(state), `step ${i}`);
  }
});

test('Adam (Flax) and adam (triple) give bit-identical trajectories, weight decay included', () => {
  const [init, update, getParams] = adam({ stepSize: 0.02, weightDecay: 0.1 });
  let state = init(params());
  let flax = new Adam({ learningRate: 0.02, weightDecay: 0.1 }).create(params());
  for (let i = 0; i < 6; i++) {
    state = update(i, gradsAt(i), state);
    flax = flax.applyGradient(gradsAt(i));
    assertSameBits(flax.target, getParams(state), `step ${i}`);
  }
});

test('applyGradient returns a new optimizer and leaves the old one as it was', () => {
  const opt0 = new Adahessian({ learningRate: 0.1 }).create(params());
  const before = serialize(opt0.state);
  const opt1 = opt0.applyGradient(gradsAt(0), hessiansAt(0));
  assert.notEqual(opt1, opt0);
  assert.equal(opt0.state.step, 0);
  assert.equal(opt1.state.step, 1);
  assert.deepEqual(serialize(opt0.state), before);
  assertSameBits(opt0.target, params(), 'old target');
  assert.deepEqual(Object.keys(opt1.target as object).sort(), ['hidden', 'out']);
  assert.ok(Object.isFrozen(opt1));
});

test('defaults are the seed README defaults', () => {
  assert.deepEqual(
    { ...new Adahessian().hyperParams },
    { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, hessianPower: 1, spatialAverage: 'last' },
  );
  assert.deepEqual({ ...new Adam().hyperParams }, { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
});

test('bad hyper-parameters throw at construction and bad overrides before the step', () => {
  assert.throws(() => new Adahessian({ learningRate: -1 }), /Adahessian: learningRate must be a finite number ≥ 0/);
  assert.throws(() => new Adahessian({ beta1: 1 }), /Adahessian: beta1 must be a number with 0 ≤ beta1 < 1, got 1/);
  assert.throws(() => new Adahessian({ hessianPower: 2 }), RangeError);
  assert.throws(() => new Adahessian({ lr: 0.1 } as any), /unknown option 'lr'/);
  assert.throws(() => new Adam({ eps: -1 }), RangeError);
  const opt = new Adahessian().create(params()).applyGradient(gradsAt(0), hessiansAt(0));
  const bytes = serialize(opt.state);
  assert.throws(() => opt.applyGradient(gradsAt(1), hessiansAt(1), { learningRate: NaN }), RangeError);
  assert.throws(() => opt.applyGradient(gradsAt(1), hessiansAt(1), { momentum: 0.9 } as any), TypeError);
  assert.deepEqual(serialize(opt.state), bytes);
  assert.equal(opt.applyGradient(gradsAt(1), hessiansAt(1)).state.step, 2);
});

test('restore continues from a deserialized state exactly', () => {
  const def = new Adahessian({ learningRate: 0.05 });
  let straight = def.create(params());
  for (let i = 0; i < 4; i++) straight = straight.applyGradient(gradsAt(i), hessiansAt(i));
  let half = def.create(params());
  for (let i = 0; i < 2; i++) half = half.applyGradient(gradsAt(i), hessiansAt(i));
  let resumed = def.restore(deserialize(serialize(half.state)));
  for (let i = 2; i < 4; i++) resumed = resumed.applyGradient(gradsAt(i), hessiansAt(i));
  assertSameBits(resumed.target, straight.target, 'resumed');
  assert.throws(() => new Adam().restore(half.state), /made by adahessian, not adam/);
});
