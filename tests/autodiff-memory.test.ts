// Repeated transforms and optimizer steps leave wasm memory and the JS heap flat: the arena is
// released after every call and nothing is retained.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradAndHessian, random, nn, np, Tensor } from '../src/index.js';
import { memoryBytes, mark } from '../src/wasm/arena.js';
import { adahessian, adam, serialize, deserialize } from '../src/optimizers/index.js';

/** After `warmup` calls of step, `calls` more leave wasm memory, the arena and the JS heap as they were. */
function assertFlat(step: (i: number) => unknown, warmup: number, calls: number): void {
  for (let i = 0; i < warmup; i++) step(i);
  global.gc?.();
  const wasmBefore = memoryBytes();
  const arenaBefore = mark();
  const heapBefore = process.memoryUsage().heapUsed;
  for (let i = warmup; i < warmup + calls; i++) step(i);
  global.gc?.();
  assert.equal(memoryBytes(), wasmBefore, 'wasm memory did not grow');
  assert.equal(mark(), arenaBefore, 'the arena is back where it was');
  const grown = process.memoryUsage().heapUsed - heapBefore;
  assert.ok(grown < 32 * 1024 * 1024, `JS heap grew by ${(grown / 1048576).toFixed(1)} MiB`);
}

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
  assertFlat(step, 200, 10_000);
});

test('2,000 optimizer steps (AdaHessian and Adam, with getParams and serialize) keep wasm memory and the JS heap flat', () => {
  const key = random.key(1);
  const [k1, k2] = random.split(key, 2);
  const params = [random.normal(k1, [256, 64]), random.normal(k2, [64])];
  const like = (seed: number) => params.map((p, i) => random.normal(random.foldIn(key, seed * 2 + i), p.shape as number[]));
  const g = like(1);
  const h = like(2);
  const ah = adahessian({ stepSize: 1e-3 });
  const am = adam(1e-3);
  let s = ah.init(params);
  let a = am.init(params);
  const step = (i: number) => {
    s = ah.update(i, g, i % 3 === 2 ? null : h, s);
    a = am.update(i, g, a);
    ah.getParams(s);
    if (i % 100 === 0) deserialize(serialize(s));
  };
  assertFlat(step, 100, 2_000);
});
