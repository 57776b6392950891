// RMSprop, added as one spec (src/optimizers/rmsprop.ts): its steps against a float64 reference
// written from jax.example_libraries.optimizers.rmsprop, its first step by hand, and what the spec
// derives for it: options checking, the positional form, the Flax class (same bits as the
// triple), and serialize/deserialize.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, type Tensor } from '../src/index.js';
import { deserialize, rmsprop, serialize } from '../src/optimizers/index.js';
import { Adam, RMSProp } from '../src/flax.js';
import { assertSameBits, leafData, randomTensor, relativeError, type Shape } from './optimizers-reference.js';

const SHAPES: Shape[] = [[], [7], [5, 6], [2, 3, 9], [0, 4]];
const params = () => SHAPES.map((s, k) => randomTensor(100 + k, s));
const grads = (step: number) => SHAPES.map((s, k) => randomTensor(1000 * step + k, s));

/** One leaf of RMSprop in float64: v = gamma v + (1 - gamma) g², x -= stepSize g / sqrt(v + eps). */
function rmspropLeaf64(x: Float64Array, v: Float64Array, g: ArrayLike<number>, p: { stepSize: number; gamma: number; eps: number }) {
  const vNew = v.map((ve, e) => p.gamma * ve + (1 - p.gamma) * g[e] * g[e]);
  const xNew = x.map((xe, e) => xe - (p.stepSize * g[e]) / Math.sqrt(vNew[e] + p.eps));
  return { x: xNew, v: vNew };
}

test('rmsprop follows a float64 reference for 6 steps, several hyper-parameter sets', () => {
  for (const h of [{ stepSize: 1e-3, gamma: 0.9, eps: 1e-8 }, { stepSize: 0.05, gamma: 0.5, eps: 1e-3 }, { stepSize: 0.2, gamma: 0, eps: 0.1 }]) {
    const [init, update, getParams] = rmsprop(h);
    let state = init(params());
    let ref = params().map((p) => ({ x: Float64Array.from(p.data), v: new Float64Array(p.size) }));
    for (let i = 0; i < 6; i++) {
      const g = grads(i);
      state = update(i, g, state);
      ref = ref.map((r, k) => rmspropLeaf64(r.x, r.v, g[k].data, h));
      const errX = relativeError(leafData(getParams(state)), ref.map((r) => r.x));
      const errV = relativeError(state.slots.v, ref.map((r) => r.v));
      assert.ok(errX < 1e-6 && errV < 1e-6, `${JSON.stringify(h)}, step ${i}: relative errors ${errX}, ${errV}`);
    }
    assert.equal(state.step, 6);
  }
});

test("rmsprop's first step: g / sqrt((1 - gamma) g²) = sign(g) / sqrt(1 - gamma) with eps = 0", () => {
  const [init, update, getParams] = rmsprop(0.5, 0.75, 0); // JAX's positional form (stepSize, gamma, eps)
  const state = update(0, [tensor([3, -0.5, 1e-3, -7, 2])], init([tensor([1, 1, 1, 1, 1])]));
  // 1 ∓ 0.5 / sqrt(0.25) = 1 ∓ 1
  assert.deepEqual(Array.from((getParams(state) as Tensor[])[0].data), [0, 2, 0, 2, 0]);
});

test('rmsprop checks its options, naming them', () => {
  assert.throws(() => rmsprop({ gamma: 1 }), /rmsprop: gamma must be a number with 0 ≤ gamma < 1, got 1/);
  assert.throws(() => rmsprop({ eps: -1 }), /rmsprop: eps must be a finite number ≥ 0, got -1/);
  assert.throws(() => rmsprop(-0.1), /rmsprop: stepSize must be a finite number ≥ 0, got -0.1/);
  assert.throws(() => rmsprop({ decay: 0.9 } as any), /rmsprop: unknown option 'decay' \(expected one of stepSize, gamma, eps\)/);
  const [init, update] = rmsprop();
  assert.throws(() => update(-1, grads(0), init(params())), /rmsprop update: the step i must be an integer ≥ 0/);
});

test('RMSProp (Flax) and rmsprop (triple) give the same bits; serialize round-trips its state', () => {
  const [init, update, getParams] = rmsprop({ stepSize: 0.02, gamma: 0.8, eps: 1e-6 });
  let state = init(params());
  let flax = new RMSProp({ learningRate: 0.02, beta2: 0.8, eps: 1e-6 }).create(params());
  assert.deepEqual({ ...new RMSProp().hyperParams }, { learningRate: 1e-3, beta2: 0.9, eps: 1e-8 });
  assert.throws(() => new RMSProp({ beta2: -0.5 }), /RMSProp: beta2 must be a number with 0 ≤ beta2 < 1/);
  for (let i = 0; i < 3; i++) {
    state = update(i, grads(i), state);
    flax = flax.applyGradient(grads(i));
  }
  assertSameBits(flax.target, getParams(state), 'Flax = triple');
  const back = deserialize(serialize(state));
  assert.equal(back.kind, 'rmsprop');
  assert.equal(back.step, 3);
  const [a, b] = [update(3, grads(3), state), update(3, grads(3), back)];
  assertSameBits(getParams(b), getParams(a), 'resumed from bytes');
  assert.throws(() => new Adam().restore(back), /this state was made by rmsprop, not adam/);
});
