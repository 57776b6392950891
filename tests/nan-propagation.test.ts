// NaN goes where JAX sends it: an op fed a NaN returns NaN (never a finite stand-in), so a damaged
// parameter makes the loss NaN and the transforms' non-finite check fires instead of training on.
// The expected values are JAX's documented semantics: relu = maximum(x, 0) and maximum
// propagates NaN; max reductions propagate NaN; argmax returns the index of the first NaN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np, nn, tensor, valueAndGrad, gradAndHessian, random, Tensor } from '../src/index.js';

// Eleven values: the first eight run through the f32x4 body, the last three through the scalar
// tail, with NaN in both.
const WITH_NAN = [1, NaN, -2, 0, 3, -0, -1, NaN, NaN, -4, 5];

test('relu(NaN) is NaN in the SIMD body and the scalar tail; relu of other values unchanged', () => {
  const y = nn.relu(tensor(WITH_NAN));
  const expected = [1, NaN, 0, 0, 3, 0, 0, NaN, NaN, 0, 5];
  assert.deepEqual(Array.from(y.data), expected);
  // -0 and 0 map to +0, as before.
  assert.ok(Object.is(y.data[3], 0) && Object.is(y.data[5], 0));
});

test("relu's derivative at NaN is 0 (JAX's select(x > 0, g, 0)) and the loss is NaN, so grad throws", () => {
  const x = tensor([0.5, NaN, -1, 2]);
  assert.throws(() => valueAndGrad((t: Tensor) => np.sum(nn.relu(t)))(x), /non-finite value \(NaN\)/);
});

test('a NaN weight before a ReLU makes gradAndHessian throw instead of returning a finite gradient', () => {
  const w = tensor([0.5, -0.25, NaN, 1, 0.75, -0.5], [3, 2]);
  const x = tensor([1, 0, 0, 0, 1, 0], [2, 3]);
  const loss = (wt: Tensor) => np.sum(nn.relu(np.matmul(x, wt)));
  assert.throws(() => gradAndHessian(loss, [w], random.key(0)), /non-finite value \(NaN\)/);
});

test('max propagates NaN along the reduced axis, and argmax returns the first NaN index (as jnp.argmax)', () => {
  const x = tensor([1, NaN, 3, NaN, 2, 0, -1, 5, 4, 4, 6, NaN], [3, 4]);
  assert.deepEqual(Array.from(np.max(x, 1).data), [NaN, 5, NaN]);
  assert.deepEqual(Array.from(np.max(x, 0).data), [4, NaN, 6, NaN]);
  assert.deepEqual(Array.from(np.max(x).data), [NaN]);
  assert.deepEqual(Array.from(np.argmax(x, 1).data), [1, 3, 3]);
  assert.deepEqual(Array.from(np.argmax(x, 0).data), [2, 0, 2, 0]);
  assert.deepEqual(Array.from(np.argmax(x).data), [1]);
});

test('the log-softmax family returns NaN for a row holding NaN and leaves the other rows finite', () => {
  const x = tensor([1, NaN, 2, 0.5, -1, 3], [2, 3]);
  const rows = (t: Tensor) => [Array.from(t.data.subarray(0, 3)), Array.from(t.data.subarray(3))];
  for (const [name, y] of [['logSoftmax', nn.logSoftmax(x)], ['softmax', nn.softmax(x)]] as const) {
    const [first, second] = rows(y);
    assert.ok(first.every(Number.isNaN), `${name}: row with NaN is NaN`);
    assert.ok(second.every(Number.isFinite), `${name}: other row finite`);
  }
  assert.ok(Number.isNaN(nn.logsumexp(x, 1).data[0]) && Number.isFinite(nn.logsumexp(x, 1).data[1]));
});
