// Initialisers against JAX itself (tests/fixtures/init_jax.json, made by JAX 0.10.2 on x86-64):
// stax.serial(Dense(64), Relu, Dense(10), LogSoftmax) init and jax.random.truncated_normal(key,
// -2, 2, (1000,)), seed 1. JAX computes truncated_normal as √2·erf_inv(uniform(erf(a/√2),
// erf(b/√2))) clipped to nextafter of the bounds, with XLA's float32 erf, erf_inv and log1p, and
// its compiled code fuses multiply-adds; assembly/random reproduces all of it, so every value
// must be within 2 float32 ulps of JAX's, and in fact is bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { random, stax } from '../src/index.js';
import type { Tensor } from '../src/index.js';

interface InitCase {
  seed: number;
  sizes: [number, number, number];
  /** [[W [in, out] row-major, b], ...] per Dense layer. */
  params: [number[], number[]][];
  truncated_normal_m2_2_1000: number[];
}
const golden = JSON.parse(readFileSync(new URL('./fixtures/init_jax.json', import.meta.url), 'utf8')) as {
  jax: string;
  cases: InitCase[];
};

/** float32 values mapped to integers in their order, so that a difference counts ulps. */
function orderedInt(x: number): number {
  const bits = new Int32Array(Float32Array.of(x).buffer)[0];
  return bits < 0 ? -0x80000000 - bits : bits;
}

interface Agreement {
  count: number;
  identical: number;
  maxUlps: number;
  worst: string;
}

function agreement(pairs: [label: string, got: Float32Array, want: number[]][]): Agreement {
  const a: Agreement = { count: 0, identical: 0, maxUlps: 0, worst: 'none' };
  for (const [label, got, want] of pairs) {
    assert.equal(got.length, want.length, `${label}: ${got.length} values, JAX has ${want.length}`);
    want.forEach((w, i) => {
      assert.equal(Math.fround(w), w, `${label}[${i}]: the fixture holds float32 values`);
      const ulps = Math.abs(orderedInt(got[i]) - orderedInt(w));
      a.count++;
      if (ulps === 0) a.identical++;
      if (ulps > a.maxUlps) [a.maxUlps, a.worst] = [ulps, `${label}[${i}]: ${got[i]} vs JAX ${w}`];
    });
  }
  return a;
}

function check(t: { diagnostic(m: string): void }, what: string, a: Agreement): void {
  t.diagnostic(
    `${what}: ${a.identical} of ${a.count} values bit-identical to JAX ` +
      `(${((100 * a.identical) / a.count).toFixed(2)} %), max distance ${a.maxUlps} ulp (${a.worst})`,
  );
  assert.ok(a.maxUlps <= 2, `${what}: every value within 2 ulps of JAX; worst ${a.maxUlps} ulps at ${a.worst}`);
  assert.equal(a.identical, a.count, `${what}: every value bit-identical to JAX (the fused multiply-adds are emulated exactly)`);
}

test('the fixture is JAX 0.10.2 output for seed 1', () => {
  assert.equal(golden.jax, '0.10.2');
  assert.deepEqual(golden.cases.map((c) => c.seed), [1]);
});

for (const c of golden.cases) {
  test(`seed ${c.seed}: random.truncatedNormal(key, -2, 2, [1000]) is JAX's`, (t) => {
    const z = random.truncatedNormal(random.key(c.seed), -2, 2, [1000]);
    check(t, 'truncated_normal', agreement([['z', z.data, c.truncated_normal_m2_2_1000]]));
  });

  test(`seed ${c.seed}: stax.serial(Dense(${c.sizes[1]}), Relu, Dense(${c.sizes[2]}), LogSoftmax) init is JAX's`, (t) => {
    const [init] = stax.serial(stax.Dense(c.sizes[1]), stax.Relu, stax.Dense(c.sizes[2]), stax.LogSoftmax);
    const [outShape, params] = init(random.key(c.seed), [-1, c.sizes[0]]);
    assert.deepEqual(outShape, [-1, c.sizes[2]]);
    const dense = [params[0], params[2]] as [Tensor, Tensor][];
    assert.deepEqual(params[1], [], 'Relu has no parameters');
    assert.deepEqual(params[3], [], 'LogSoftmax has no parameters');
    const pairs = dense.flatMap(([w, b], layer): [string, Float32Array, number[]][] => {
      assert.deepEqual(w.shape, [c.sizes[layer], c.sizes[layer + 1]]);
      return [
        [`W${layer + 1}`, w.data, c.params[layer][0]],
        [`b${layer + 1}`, b.data, c.params[layer][1]],
      ];
    });
    check(t, 'stax init', agreement(pairs));
  });
}
