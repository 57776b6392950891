// stax.BatchNorm against JAX's definition (jax.example_libraries.stax.BatchNorm and
// jax.nn.standardize): params [beta, gamma] of the input's shape without `axis` (zeros and ones),
// y = gamma · (x - mean) / sqrt(var + epsilon) + beta with the statistics over `axis`. The
// gradient and HVP of this computation are checked against float64 finite differences in
// tests/autodiff-ops.test.ts ('BatchNorm: ...'); here the layer is checked to compute exactly it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, nn, np, random, stax } from '../src/index.js';
import * as R from './helpers/reference.js';
import { numbers } from './optimizers-reference.js';

test('BatchNorm init: [beta, gamma] = [zeros, ones] of the channel shape; the output shape is the input shape', () => {
  const [shape, [beta, gamma]] = stax.BatchNorm().init(random.key(0), [-1, 5, 4, 3]);
  assert.deepEqual(shape, [-1, 5, 4, 3]);
  assert.deepEqual(beta.shape, [3]);
  assert.deepEqual(gamma.shape, [3]);
  assert.deepEqual(Array.from(beta.data), [0, 0, 0]);
  assert.deepEqual(Array.from(gamma.data), [1, 1, 1]);
  // axis 0 of a [batch, features] input: per-feature parameters
  const [, [b2, g2]] = stax.BatchNorm({ axis: 0 }).init(random.key(0), [-1, 7]);
  assert.deepEqual([b2.shape, g2.shape], [[7], [7]]);
  // statistics over the batch and the width only: params [H, C]
  const [, [b3]] = stax.BatchNorm({ axis: [0, 2] }).init(random.key(0), [-1, 5, 4, 3]);
  assert.deepEqual(b3.shape, [5, 3]);
  // center / scale off: that parameter is [] (JAX's ())
  const [, params] = stax.BatchNorm({ center: false }).init(random.key(0), [-1, 2, 2, 3]);
  assert.deepEqual(params[0], []);
  assert.deepEqual(params[1].shape, [3]);
  assert.deepEqual(stax.BatchNorm({ scale: false }).init(random.key(0), [-1, 2, 2, 3])[1][1], []);
});

test('BatchNorm init: beta and gamma come from the split (k1, k2) of the layer key', () => {
  const key = random.key(5);
  const [k1, k2] = random.split(key);
  const seen: [Uint32Array, number[]][] = [];
  const spy = (value: number) => (k: Uint32Array, shape: readonly number[]) => {
    seen.push([k, [...shape]]);
    return stax.normalInit(k, shape, value);
  };
  stax.BatchNorm({ betaInit: spy(1), gammaInit: spy(2) }).init(key, [-1, 3, 3, 4]);
  assert.deepEqual(seen, [[k1, [4]], [k2, [4]]]);
});

/** The layer in float64 from the definition, with gamma and beta broadcast over the kept axes. */
function batchNorm64(x: Tensor, beta: Tensor, gamma: Tensor, axes: number[], epsilon: number): Float64Array {
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const z = R.standardize(R.ref(x.data, x.shape), axes, epsilon);
  return R.add(R.multiply(z, R.ref(gamma.data, kept)), R.ref(beta.data, kept)).data;
}

test('BatchNorm forward equals the float64 definition (NHWC per channel, and axis 0 of a matrix)', () => {
  const cases: [number[], stax.BatchNormOptions, number[]][] = [
    [[4, 5, 3, 2], {}, [0, 1, 2]],
    [[6, 3], { axis: 0, epsilon: 1e-3 }, [0]],
    [[4, 3, 5, 2], { axis: [0, 2] }, [0, 2]],
  ];
  cases.forEach(([shape, options, axes], n) => {
    const x = new Tensor(numbers(10 + n, shape.reduce((a, b) => a * b), -3, 5), shape);
    const [, [b0, g0]] = stax.BatchNorm(options).init(random.key(0), [-1, ...shape.slice(1)]);
    const beta = new Tensor(numbers(20 + n, b0.data.length), b0.shape);
    const gamma = new Tensor(numbers(30 + n, g0.data.length, 0.5, 2), g0.shape);
    const got = stax.BatchNorm(options).apply([beta, gamma], x);
    assert.deepEqual(got.shape, shape);
    const want = batchNorm64(x, beta, gamma, axes, options.epsilon ?? 1e-5);
    got.data.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 2e-5, `case ${n} element ${i}: ${v} vs ${want[i]}`));
  });
});

test('BatchNorm apply is gamma · nn.standardize(x, axis, epsilon) + beta, bit for bit (the finite-difference-checked composition)', () => {
  const x = new Tensor(numbers(3, 2 * 3 * 3 * 2, -1, 1), [2, 3, 3, 2]);
  const beta = new Tensor(numbers(4, 2), [2]);
  const gamma = new Tensor(numbers(5, 2, 0.5, 2), [2]);
  const got = stax.BatchNorm().apply([beta, gamma], x);
  const want = np.add(np.multiply(nn.standardize(x, [0, 1, 2], 1e-5), np.reshape(gamma, [1, 1, 1, 2])), np.reshape(beta, [1, 1, 1, 2]));
  assert.deepEqual(got.data, want.data);
  // center and scale off: the standardized input itself
  assert.deepEqual(stax.BatchNorm({ center: false, scale: false }).apply([[], []], x).data, nn.standardize(x, [0, 1, 2]).data);
});

test('BatchNorm bad input: axis, epsilon, and axes that do not fit the input', () => {
  assert.throws(() => stax.BatchNorm({ axis: [] }), /BatchNorm: axis must be an integer or a non-empty list/);
  assert.throws(() => stax.BatchNorm({ axis: 1.5 }), /BatchNorm: axis/);
  assert.throws(() => stax.BatchNorm({ epsilon: -1 }), /BatchNorm: epsilon must be a finite number ≥ 0, got -1/);
  assert.throws(() => stax.BatchNorm({ axis: [0, 4] }).init(random.key(0), [-1, 2, 2, 3]), /axis \[0, 4\] does not fit an input of shape \[-1, 2, 2, 3\]/);
  assert.throws(() => stax.BatchNorm({ axis: [1, 2] }).init(random.key(0), [-1, 2, 2, 3]), /needs the batch axis/);
});
