// Repeated transforms leave wasm memory and the JS heap flat: the arena is released after every
// call and nothing is retained.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradAndHessian, random, nn, np, Tensor } from '../src/index.js';
import { memoryBytes, mark } from '../src/wasm/arena.js';

test('10,000 gradAndHessian calls on a small MLP keep wasm memory and the JS heap flat', () => {
  const key = random.key(0);
  const [k1, k2, k3] = random.split(key, 3);
  const params = [
    [random.normal(k1, [784, 16]), np.multiply(random.normal(k2, [16]), 0.01)],
    [random.normal(k3, [16, 10]), np.multiply(random.normal(k1, [10]), 0.01)],
  ] as [Tensor, Tensor][];
  const x = random.uniform(k2, [8, 784]);
  const y = nn.softmax(random.normal(k3, [8, 10]));
  const loss = (p: [Tensor, Tensor][], xb: Tensor, yb: Tensor) =>
    np.negative(np.mean(np.sum(np.multiply(nn.logSoftmax(nn.dense(nn.relu(nn.dense(xb, p[0][0], p[0][1])), p[1][0], p[1][1])), yb), 1)));
  const step = (i: number) => gradAndHessian(loss, [params, x, y], random.foldIn(key, i));
  for (let i = 0; i < 200; i++) step(i);
  global.gc?.();
  const wasmBefore = memoryBytes();
  const arenaBefore = mark();
  const heapBefore = process.memoryUsage().heapUsed;
  for (let i = 0; i < 10_000; i++) step(i);
  global.gc?.();
  assert.equal(memoryBytes(), wasmBefore, 'wasm memory did not grow');
  assert.equal(mark(), arenaBefore, 'the arena is back where it was');
  const grown = process.memoryUsage().heapUsed - heapBefore;
  assert.ok(grown < 32 * 1024 * 1024, `JS heap grew by ${(grown / 1048576).toFixed(1)} MiB`);
});
