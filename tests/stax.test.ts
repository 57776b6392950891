// stax against JAX's definitions (jax.example_libraries.stax and jax.nn.initializers):
//   Dense(n): W [in, n] = glorot_normal: truncated normal on (-2, 2) divided by its stddev
//             (0.8796...), times sqrt(1 / fan_avg), fan_avg = (in + n) / 2; b [n] = normal · 1e-2;
//             the layer key splits into (k1, k2) for W and b.
//   serial:   `rng, layer_rng = random.split(rng)` before each layer; params one entry per layer.
// Statistics are checked against values computed here in float64 from the Gaussian density.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, random, stax, tensor, tree } from '../src/index.js';
import { TRUNCATED_STDDEV as SOURCE_TRUNCATED_STDDEV } from '../src/stax/initializers.js';

/** ∫_a^b of the standard normal density (composite Simpson, float64). */
function gaussianMass(a: number, b: number, weight: (z: number) => number = () => 1): number {
  const n = 20_000;
  const h = (b - a) / n;
  const f = (z: number) => (weight(z) * Math.exp(-z * z / 2)) / Math.sqrt(2 * Math.PI);
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

/** The stddev of a standard normal truncated to (-2, 2), from its definition. */
const TRUNCATED_STDDEV = Math.sqrt(gaussianMass(-2, 2, (z) => z * z) / gaussianMass(-2, 2));

function moments(data: Float32Array): { mean: number; std: number } {
  let sum = 0;
  for (const v of data) sum += v;
  const mean = sum / data.length;
  let sq = 0;
  for (const v of data) sq += (v - mean) ** 2;
  return { mean, std: Math.sqrt(sq / data.length) };
}

test("the truncated normal stddev glorot normal divides by (src/stax's constant) is the definition's", () => {
  assert.ok(Math.abs(SOURCE_TRUNCATED_STDDEV - TRUNCATED_STDDEV) < 1e-9, `${SOURCE_TRUNCATED_STDDEV} vs ${TRUNCATED_STDDEV}`);
});

test('glorotNormal: variance 2 / (fan_in + fan_out), bounded by ±2 scaled units, truncated-normal shape', () => {
  const [fanIn, fanOut] = [784, 1024];
  const w = stax.glorotNormal(random.key(3), [fanIn, fanOut]);
  assert.deepEqual(w.shape, [fanIn, fanOut]);
  const scale = Math.sqrt(1 / ((fanIn + fanOut) / 2)) / TRUNCATED_STDDEV; // one "z" unit
  const { mean, std } = moments(w.data);
  const wantStd = Math.sqrt(2 / (fanIn + fanOut));
  // 802,816 samples: the sample stddev is within ~0.1 % of the true one; the mean within ~1e-5.
  assert.ok(Math.abs(std / wantStd - 1) < 0.01, `std ${std} vs ${wantStd}`);
  assert.ok(Math.abs(mean) < 5 * (wantStd / Math.sqrt(w.data.length)), `mean ${mean}`);
  let maxAbs = 0;
  let withinOne = 0;
  for (const v of w.data) {
    maxAbs = Math.max(maxAbs, Math.abs(v));
    if (Math.abs(v) < scale) withinOne++;
  }
  assert.ok(maxAbs < 2 * scale, `max |w| ${maxAbs} ≥ 2 z-units ${2 * scale}`);
  assert.ok(maxAbs > 1.99 * scale, `max |w| ${maxAbs}: the tails reach almost to 2 z-units`);
  // P(|z| < 1 | |z| < 2) = 0.7152: a uniform or untruncated normal of the same variance differs.
  const want = gaussianMass(-1, 1) / gaussianMass(-2, 2);
  const got = withinOne / w.data.length;
  assert.ok(Math.abs(got - want) < 0.003, `P(|z| < 1) ${got} vs ${want}`);
});

test('glorotNormal over a receptive field: an HWIO kernel has fan_in = kh·kw·in, fan_out = kh·kw·out', () => {
  const shape = [3, 3, 32, 64];
  const w = stax.glorotNormal(random.key(8), shape);
  const wantStd = Math.sqrt(2 / (9 * 32 + 9 * 64));
  const { mean, std } = moments(w.data);
  // 18,432 samples: the sample stddev is within ~1 % of the true one.
  assert.ok(Math.abs(std / wantStd - 1) < 0.03, `std ${std} vs ${wantStd}`);
  assert.ok(Math.abs(mean) < 5 * (wantStd / Math.sqrt(w.data.length)), `mean ${mean}`);
  // The same draw scaled by its stddev: an OIHW kernel with in_axis 1, out_axis 0 has the same fans.
  const oihw = stax.glorotNormal(random.key(8), [64, 32, 3, 3], 1, 0);
  assert.deepEqual(oihw.data, w.data);
  // Exactly JAX's formula: truncated_normal(-2, 2) · sqrt(1 / fan_avg) / 0.8796..., fan_avg = 9 · (32 + 64) / 2,
  // with JAX's roundings: the variance to float32, then float32 sqrt and division.
  const z = random.truncatedNormal(random.key(8), -2, 2, shape);
  const variance = Math.fround(1 / ((9 * 32 + 9 * 64) / 2));
  const scale = Math.fround(Math.fround(Math.sqrt(variance)) / Math.fround(0.87962566103423978));
  assert.deepEqual(w.data, z.data.map((v) => Math.fround(v * scale)));
});

test('Dense: bias is an untruncated normal with stddev 1e-2; shapes [in, out] and [out]', () => {
  const [init] = stax.Dense(8192);
  const [outShape, [w, b]] = init(random.key(4), [-1, 3]);
  assert.deepEqual(outShape, [-1, 8192]);
  assert.deepEqual(w.shape, [3, 8192]);
  assert.deepEqual(b.shape, [8192]);
  const { mean, std } = moments(b.data);
  assert.ok(Math.abs(std / 1e-2 - 1) < 0.05, `bias std ${std}`);
  assert.ok(Math.abs(mean) < 5 * (1e-2 / Math.sqrt(8192)), `bias mean ${mean}`);
  // An untruncated normal exceeds 2 stddevs 4.55 % of the time (~373 of 8192).
  const beyond = (b as Tensor).data.filter((v) => Math.abs(v) > 2e-2).length / b.data.length;
  assert.ok(Math.abs(beyond - (1 - gaussianMass(-2, 2))) < 0.015, `P(|b| > 2e-2) ${beyond}`);
});

test("Dense: W and b come from the layer key's split (k1, k2), as JAX's stax", () => {
  const key = random.key(11);
  const [, [w, b]] = stax.Dense(5).init(key, [-1, 4]);
  const [k1, k2] = random.split(key);
  assert.deepEqual(w.data, stax.glorotNormal(k1, [4, 5]).data);
  // float32 arithmetic as in JAX: normal(k2) * 1e-2 with the stddev taken as float32
  assert.deepEqual(b.data, Float32Array.from(random.normal(k2, [5]).data, (v) => Math.fround(v * Math.fround(1e-2))));
});

test('serial: shapes and params of the examples\' MLP 784-1024-1024-10', () => {
  const [init] = stax.serial(stax.Dense(1024), stax.Relu, stax.Dense(1024), stax.Relu, stax.Dense(10), stax.LogSoftmax);
  const [outShape, params] = init(random.key(0), [-1, 784]);
  assert.deepEqual(outShape, [-1, 10]);
  const shapes = (params as unknown[]).map((p) => (tree.leaves(p) as Tensor[]).map((t) => t.shape));
  assert.deepEqual(shapes, [[[784, 1024], [1024]], [], [[1024, 1024], [1024]], [], [[1024, 10], [10]], []]);
  const count = (tree.leaves(params) as Tensor[]).reduce((n, t) => n + t.data.length, 0);
  assert.equal(count, 784 * 1024 + 1024 + 1024 * 1024 + 1024 + 1024 * 10 + 10); // 1,863,690
});

test('serial: each layer gets layer_rng of `rng, layer_rng = split(rng)`, in order', () => {
  const key = random.key(7);
  const [, params] = stax.serial(stax.Dense(3), stax.Tanh, stax.Dense(2)).init(key, [-1, 4]);
  const [rng1, layer0] = random.split(key);
  const [rng2] = random.split(rng1); // the Tanh layer's key is unused
  const [, layer2] = random.split(rng2);
  const [, first] = stax.Dense(3).init(layer0, [-1, 4]);
  const [, last] = stax.Dense(2).init(layer2, [-1, 3]);
  assert.deepEqual((params as any)[0][0].data, first[0].data);
  assert.deepEqual((params as any)[0][1].data, first[1].data);
  assert.deepEqual((params as any)[1], []);
  assert.deepEqual((params as any)[2][0].data, last[0].data);
  assert.deepEqual((params as any)[2][1].data, last[1].data);
});

test('serial apply: Dense, Relu, LogSoftmax equal a float64 forward pass', () => {
  const [init, apply] = stax.serial(stax.Dense(3), stax.Relu, stax.Dense(2), stax.LogSoftmax);
  const [, params] = init(random.key(1), [-1, 4]);
  const x = tensor([[0.5, -1, 2, 0.25], [1, 0, -0.5, 3]]);
  const out = apply(params, x);
  assert.deepEqual(out.shape, [2, 2]);
  const [[w1, b1], , [w2, b2]] = params as Tensor[][];
  for (let r = 0; r < 2; r++) {
    const h = [0, 1, 2].map((j) => Math.max(0, b1.data[j] + [0, 1, 2, 3].reduce((s, k) => s + x.data[r * 4 + k] * w1.data[k * 3 + j], 0)));
    const z = [0, 1].map((j) => b2.data[j] + [0, 1, 2].reduce((s, k) => s + h[k] * w2.data[k * 2 + j], 0));
    const lse = Math.max(...z) + Math.log(z.reduce((s, v) => s + Math.exp(v - Math.max(...z)), 0));
    z.forEach((v, j) => assert.ok(Math.abs(out.data[r * 2 + j] - (v - lse)) < 1e-5, `row ${r} col ${j}`));
  }
});

test('elementwise layers keep the shape and have no params; Flatten flattens after the batch axis', () => {
  for (const layer of [stax.Relu, stax.Tanh, stax.Sigmoid, stax.Softplus, stax.Gelu, stax.Softmax, stax.LogSoftmax]) {
    assert.deepEqual(layer.init(random.key(0), [-1, 7]), [[-1, 7], []]);
  }
  const [shape] = stax.Flatten.init(random.key(0), [-1, 2, 3, 4]);
  assert.deepEqual(shape, [-1, 24]);
  const x = new Tensor(Float32Array.from({ length: 24 }, (_, i) => i), [1, 2, 3, 4]);
  const y = stax.Flatten.apply([], x);
  assert.deepEqual(y.shape, [1, 24]);
  assert.deepEqual(Array.from(y.data), Array.from(x.data));
});

test('bad input: Dense size, and params that do not match the layers', () => {
  assert.throws(() => stax.Dense(0), RangeError);
  assert.throws(() => stax.Dense(2.5), /positive integer/);
  const [, apply] = stax.serial(stax.Dense(2), stax.Relu);
  assert.throws(() => apply([[]], tensor([[1, 2]])), /expected params for 2 layers, got 1/);
});
