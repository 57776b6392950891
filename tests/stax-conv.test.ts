// stax's Conv and pooling layers against JAX's definitions (jax.example_libraries.stax):
//   Conv(out, (kh, kw), strides=None → (1, 1), padding='VALID'): W [kh, kw, in, out] =
//     glorot_normal(in_axis=2, out_axis=3) (fans count the window), b [1, 1, 1, out] = normal(1e-6),
//     from the layer key's split (k1, k2); output shape by XLA's padding rules.
//   MaxPool / AvgPool / SumPool(window, strides=None → (1, 1), padding='VALID'): no params.
// Forward passes are compared with the float64 reference (tests/helpers/reference.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, random, stax } from '../src/index.js';
import * as R from './helpers/reference.js';
import { numbers } from './optimizers-reference.js';

function moments(data: Float32Array): { mean: number; std: number } {
  const mean = data.reduce((s, v) => s + v, 0) / data.length;
  return { mean, std: Math.sqrt(data.reduce((s, v) => s + (v - mean) ** 2, 0) / data.length) };
}

test('Conv init: W is glorot normal over the receptive field from k1, b is normal(1e-6) [1, 1, 1, out] from k2', () => {
  const key = random.key(2);
  const [outShape, [w, b]] = stax.Conv(64, [3, 3]).init(key, [-1, 28, 28, 32]);
  assert.deepEqual(outShape, [-1, 26, 26, 64]);
  assert.deepEqual(w.shape, [3, 3, 32, 64]);
  assert.deepEqual(b.shape, [1, 1, 1, 64]);
  const [k1, k2] = random.split(key);
  assert.deepEqual(w.data, stax.glorotNormal(k1, [3, 3, 32, 64], 2, 3).data);
  assert.deepEqual(b.data, Float32Array.from(random.normal(k2, [1, 1, 1, 64]).data, (v) => Math.fround(v * Math.fround(1e-6))));
  const { std } = moments(w.data);
  const want = Math.sqrt(2 / (9 * 32 + 9 * 64)); // fan_in = 3·3·32, fan_out = 3·3·64
  assert.ok(Math.abs(std / want - 1) < 0.03, `W std ${std} vs ${want}`);
  const bias = moments(b.data);
  assert.ok(bias.std > 0.6e-6 && bias.std < 1.4e-6, `b std ${bias.std}`);
});

test('Conv and pool output shapes: VALID, SAME (odd totals), explicit padding, strides; pools default to strides 1', () => {
  const shapeOf = (layer: stax.Layer, input: number[]) => layer.init(random.key(0), input)[0];
  assert.deepEqual(shapeOf(stax.Conv(4, [3, 3]), [-1, 7, 6, 2]), [-1, 5, 4, 4]);
  assert.deepEqual(shapeOf(stax.Conv(4, [3, 2], [2, 2], 'SAME'), [-1, 7, 6, 2]), [-1, 4, 3, 4]);
  assert.deepEqual(shapeOf(stax.Conv(4, [3, 3], [1, 2], [[1, 0], [2, 2]]), [-1, 5, 5, 1]), [-1, 4, 4, 4]);
  assert.deepEqual(shapeOf(stax.Conv(1, [5, 5], undefined, 'SAME'), [-1, 2, 3, 1]), [-1, 2, 3, 1]);
  for (const pool of [stax.MaxPool, stax.AvgPool, stax.SumPool]) {
    assert.deepEqual(pool([2, 2]).init(random.key(0), [-1, 6, 5, 3]), [[-1, 5, 4, 3], []]);
    assert.deepEqual(shapeOf(pool([2, 2], [2, 2]), [-1, 6, 5, 3]), [-1, 3, 2, 3]);
    assert.deepEqual(shapeOf(pool([3, 3], [2, 2], 'SAME'), [-1, 6, 5, 3]), [-1, 3, 3, 3]);
  }
});

test("the examples' CNN: Conv 32 → ReLU → MaxPool 2/2 → Conv 64 → ReLU → MaxPool 2/2 → Flatten → Dense 10", () => {
  const [init] = stax.serial(
    stax.Conv(32, [3, 3]), stax.Relu, stax.MaxPool([2, 2], [2, 2]),
    stax.Conv(64, [3, 3]), stax.Relu, stax.MaxPool([2, 2], [2, 2]),
    stax.Flatten, stax.Dense(10), stax.LogSoftmax,
  );
  const [outShape, params] = init(random.key(0), [-1, 28, 28, 1]);
  assert.deepEqual(outShape, [-1, 10]);
  const shapes = (params as any[]).map((p) => p.map((t: Tensor) => t.shape));
  assert.deepEqual(shapes, [[[3, 3, 1, 32], [1, 1, 1, 32]], [], [], [[3, 3, 32, 64], [1, 1, 1, 64]], [], [], [], [[1600, 10], [10]], []]);
});

test('Conv and pool forward passes equal the float64 reference (strides, SAME with odd totals, explicit padding)', () => {
  const x = new Tensor(numbers(1, 2 * 7 * 6 * 3), [2, 7, 6, 3]);
  const X = R.ref(x.data, x.shape);
  const close = (got: Tensor, want: R.Ref, what: string) => {
    assert.deepEqual(got.shape, want.shape, `${what} shape`);
    got.data.forEach((v, i) => assert.ok(Math.abs(v - want.data[i]) < 1e-5, `${what} element ${i}: ${v} vs ${want.data[i]}`));
  };
  const convs: [stax.Layer, [number, number], any][] = [
    [stax.Conv(4, [3, 3]), [1, 1], 'VALID'],
    [stax.Conv(5, [2, 3], [2, 2], 'SAME'), [2, 2], 'SAME'],
    [stax.Conv(2, [3, 2], [1, 2], [[1, 2], [0, 1]]), [1, 2], [[1, 2], [0, 1]]],
  ];
  convs.forEach(([conv, strides, padding], n) => {
    const [, [w, b]] = conv.init(random.key(n), [-1, 7, 6, 3]);
    const want = R.add(R.conv2d(X, R.ref(w.data, w.shape), { strides, padding }), R.ref(b.data, b.shape));
    close(conv.apply([w, b], x), want, `Conv ${n}`);
  });
  const pools = [
    [stax.MaxPool, R.maxPool],
    [stax.AvgPool, R.avgPool],
    [stax.SumPool, R.sumPool],
  ] as const;
  for (const [layer, ref] of pools) {
    close(layer([2, 2]).apply([], x), ref(X, [2, 2]), "pool default strides");
    close(layer([3, 2], [2, 2], 'SAME').apply([], x), ref(X, [3, 2], { strides: [2, 2], padding: 'SAME' }), 'pool SAME');
  }
});

test('bad input: Conv and pool arguments, and input shapes, throw naming the layer', () => {
  assert.throws(() => stax.Conv(0, [3, 3]), /Conv: outChan must be a positive integer, got 0/);
  assert.throws(() => stax.Conv(2, [0, 3] as any), /Conv: filterShape/);
  assert.throws(() => stax.MaxPool([2, -1] as any), /MaxPool: window/);
  assert.throws(() => stax.Conv(2, [3, 3]).init(random.key(0), [-1, 28, 28]), /Conv: input shape must be 4-D/);
  assert.throws(() => stax.Conv(2, [3, 3], [0, 1]).init(random.key(0), [-1, 8, 8, 1]), /Conv: strides/);
  assert.throws(() => stax.Conv(2, [3, 3], undefined, 'FULL' as any).init(random.key(0), [-1, 8, 8, 1]), /Conv: padding/);
  assert.throws(() => stax.Conv(2, [5, 5]).init(random.key(0), [-1, 4, 8, 1]), /Conv: window 5×5 is larger than the padded input/);
  assert.throws(() => stax.AvgPool([3, 3]).init(random.key(0), [-1, 2, 2, 1]), /AvgPool: window 3×3 is larger/);
});
