// random: JAX's PRNG against golden vectors made by JAX 0.10 itself, the Random123 known
// answers for threefry2x32, independent relations between bits and the float conversions, and
// errors for bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as random from '../src/random.js'; // what the package exports as `random`
import type { Key } from '../src/random.js';
import { Tensor } from '../src/tensor.js';
import { core } from '../src/wasm/instance.js';
import { alloc, mark, scoped, u32 } from '../src/wasm/arena.js';

interface PrngCase {
  seed: number;
  key: number[];
  split2: number[];
  split3: number[];
  foldIn7: number[];
  bits8: number[];
  rademacher12: number[];
  rademacher3x4: number[];
  uniform6: number[];
  normal6: number[];
}
const golden = JSON.parse(
  readFileSync(new URL('./fixtures/prng_jax.json', import.meta.url), 'utf8'),
) as { source: string; cases: PrngCase[] };

const FIELDS = [
  'seed', 'key', 'split2', 'split3', 'foldIn7', 'bits8', 'rademacher12', 'rademacher3x4', 'uniform6',
  'normal6',
];

/** The raw hash, straight from the kernel (the public API has no counter argument). */
function threefry2x32(k: [number, number], counter: [number, number]): number[] {
  return scoped(() => {
    const ptr = alloc(8);
    u32(ptr, 2).set(counter);
    core.randomThreefry2x32(k[0], k[1], ptr, ptr, 1);
    return Array.from(u32(ptr, 2));
  });
}

test('the golden file has the fields these tests check, and no others', () => {
  assert.ok(golden.cases.length >= 3);
  for (const c of golden.cases) assert.deepEqual(Object.keys(c).sort(), [...FIELDS].sort());
});

test('threefry2x32 gives the Random123 known answers', () => {
  assert.deepEqual(threefry2x32([0, 0], [0, 0]), [0x6b200159, 0x99ba4efe]);
  assert.deepEqual(threefry2x32([0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff]), [0x1cb996fc, 0xbb002be7]);
  assert.deepEqual(threefry2x32([0x13198a2e, 0x03707344], [0x243f6a88, 0x85a308d3]), [0xc4923a9c, 0x483df7a0]);
});

for (const c of golden.cases) {
  test(`seed ${c.seed}: key, split, foldIn, bits, uniform and rademacher match JAX bit for bit`, () => {
    const k = random.key(c.seed);
    assert.ok(k instanceof Uint32Array);
    assert.deepEqual(Array.from(k), c.key);

    const two = random.split(k);
    assert.equal(two.length, 2);
    assert.deepEqual(two.flatMap((s) => Array.from(s)), c.split2);
    assert.deepEqual(random.split(k, 3).flatMap((s) => Array.from(s)), c.split3);

    assert.deepEqual(Array.from(random.foldIn(k, 7)), c.foldIn7);
    assert.deepEqual(Array.from(random.bits(k, [8])), c.bits8);

    // Float32 values printed by JAX as float64 are exact, so equality is bit equality.
    assert.deepEqual(Array.from(random.uniform(k, [6]).data), c.uniform6);
    const r12 = random.rademacher(k, [12]);
    assert.deepEqual(r12.shape, [12]);
    assert.deepEqual(Array.from(r12.data), c.rademacher12);
    const r34 = random.rademacher(k, [3, 4]);
    assert.deepEqual(r34.shape, [3, 4]);
    assert.deepEqual(Array.from(r34.data), c.rademacher3x4);
  });

  test(`seed ${c.seed}: normal matches JAX bit for bit (XLA's erf_inv and log1p, fused multiply-adds)`, () => {
    const z = random.normal(random.key(c.seed), [6]);
    assert.deepEqual(z.shape, [6]);
    assert.deepEqual(Array.from(z.data), c.normal6);
  });
}

test("rademacher matches the seed's JAX probes for every leaf shape of its MLP", () => {
  // seed_mlp_relu.json: v_leaf = jax.random.rademacher(key, leaf.shape) with one key for all leaves.
  const seed = JSON.parse(
    readFileSync(new URL('./fixtures/seed_mlp_relu.json', import.meta.url), 'utf8'),
  ) as { key: number[]; probes: number[][][][] };
  let leaves = 0;
  for (const layer of seed.probes) {
    for (const probe of layer) {
      const flat = (probe as unknown[]).flat(Infinity) as number[];
      const shape = Array.isArray(probe[0]) ? [probe.length, (probe[0] as number[]).length] : [probe.length];
      assert.deepEqual(Array.from(random.rademacher(seed.key as unknown as Key, shape).data), flat);
      leaves++;
    }
  }
  assert.equal(leaves, 6);
});

test('split and foldIn are threefry2x32 of the counters (0, i) and (0, data)', () => {
  const k: [number, number] = [0x13198a2e, 0x03707344];
  const keys = random.split(Uint32Array.from(k), 5);
  keys.forEach((s, i) => assert.deepEqual(Array.from(s), threefry2x32(k, [0, i])));
  assert.deepEqual(Array.from(random.foldIn(Uint32Array.from(k), 0xdeadbeef)), threefry2x32(k, [0, 0xdeadbeef]));
  // foldIn takes data mod 2^32, as jnp.uint32(data)
  assert.deepEqual(Array.from(random.foldIn(Uint32Array.from(k), -1)), threefry2x32(k, [0, 0xffffffff]));
});

/** y0 ^ y1 of threefry2x32(k, (0, i)) for i < n, from the raw hash kernel (no bulk SIMD path). */
function hashBits(k: [number, number], n: number): Uint32Array {
  return scoped(() => {
    const ptr = alloc(8 * Math.max(n, 1));
    const counters = u32(ptr, 2 * n);
    for (let i = 0; i < n; i++) {
      counters[2 * i] = 0; // arena memory is not zeroed
      counters[2 * i + 1] = i;
    }
    core.randomThreefry2x32(k[0], k[1], ptr, ptr, n);
    const pairs = u32(ptr, 2 * n);
    return Uint32Array.from({ length: n }, (_, i) => pairs[2 * i] ^ pairs[2 * i + 1]);
  });
}

// The bulk kernels take 28 elements per step (six 4-lane vectors, then four scalars) and
// finish with scalars: these sizes put the last element in every part of a step.
const STEP_SIZES = [0, 1, 4, 5, 23, 24, 25, 27, 28, 29, 32, 52, 55, 56, 57, 84, 85, 1001];

test('bits(key, shape)[i] is y0 ^ y1 of threefry2x32(key, (0, i)) across SIMD steps and the tail', () => {
  const k: [number, number] = [0xffffffff, 0x12345678];
  const b = random.bits(Uint32Array.from(k), [3, 29]);
  assert.equal(b.length, 87);
  const want = hashBits(k, 87);
  b.forEach((v, i) => assert.equal(v, want[i], `bits[${i}]`));
  for (const n of STEP_SIZES) assert.deepEqual(random.bits(Uint32Array.from(k), [n]), hashBits(k, n), `n = ${n}`);
});

test('rademacher and uniform follow the raw hash at every index, for sizes around the SIMD step', () => {
  const k: [number, number] = [0x13198a2e, 0x03707344];
  for (const n of STEP_SIZES) {
    const want = hashBits(k, n);
    const r = random.rademacher(Uint32Array.from(k), [n]).data;
    const u = random.uniform(Uint32Array.from(k), [n], -2, 2).data;
    assert.equal(r.length, n);
    assert.equal(u.length, n);
    for (let i = 0; i < n; i++) {
      assert.equal(r[i], want[i] >= 2 ** 31 ? -1 : 1, `n = ${n}: rademacher[${i}]`);
      // minval = -2 and maxval - minval = 4 are exact: float32 arithmetic gives the float64 value
      assert.equal(u[i], ((want[i] >>> 9) / 2 ** 23) * 4 - 2, `n = ${n}: uniform[${i}]`);
    }
  }
});

test('uniform is the top 23 bits over 2^23, scaled by float32 arithmetic with a fused multiply-add', () => {
  const k = random.key(2024);
  const n = 1003; // 35 steps of 28 and a tail of 23
  const b = random.bits(k, [n]);
  const u = random.uniform(k, [n]).data;
  // maxval - minval = 4 and minval = -2 are exact, so the float32 result equals the float64 one.
  const v = random.uniform(k, [n], -2, 2).data;
  for (let i = 0; i < n; i++) {
    const exact = (b[i] >>> 9) / 2 ** 23;
    assert.equal(u[i], exact, `uniform[${i}]`);
    assert.equal(v[i], exact * 4 - 2, `uniform(-2, 2)[${i}]`);
  }
  const w = random.uniform(k, [n], 3.5, 3.75).data;
  assert.ok(w.every((x) => x >= 3.5 && x <= 3.75));
  // An inexact scale: XLA fuses f * scale + minval into one rounding. Here f (23 bits) times scale
  // (24 bits) plus minval fits in float64's 53 bits, so the float64 value is exact and
  // Math.fround rounds it once; rounding the product to float32 first differs for some values.
  const [lo, hi] = [Math.fround(-0.3), Math.fround(0.9544997)];
  const scale = Math.fround(hi - lo);
  const x = random.uniform(k, [n], lo, hi).data;
  let roundedTwiceDiffers = 0;
  for (let i = 0; i < n; i++) {
    const f = (b[i] >>> 9) / 2 ** 23;
    assert.equal(x[i], Math.max(lo, Math.fround(f * scale + lo)), `uniform(-0.3, 0.9545)[${i}]`);
    if (x[i] !== Math.max(lo, Math.fround(Math.fround(f * scale) + lo))) roundedTwiceDiffers++;
  }
  assert.ok(roundedTwiceDiffers > 0, 'the single rounding matters for some values');
});

test('rademacher is +1 exactly where uniform < 0.5, for sizes around the SIMD step', () => {
  const k = random.key(7);
  for (const n of STEP_SIZES) {
    const u = random.uniform(k, [n]).data;
    const r = random.rademacher(k, [n]).data;
    assert.equal(r.length, n);
    for (let i = 0; i < n; i++) assert.equal(r[i], u[i] < 0.5 ? 1 : -1);
  }
});

test('normal is sqrt(2)·erfinv(u) for JAX\'s uniform u on (-1, 1), and standard normal in bulk', () => {
  const k = random.key(99);
  const n = 100_000;
  const z = random.normal(k, [n]).data;
  // Independent float64 check: erf(z / sqrt 2) gives back u = 2 (bits >>> 9) / 2^23 - (1 - 2^-24).
  const b = random.bits(k, [200]);
  let checked = 0;
  for (let i = 0; i < 200; i++) {
    const x = z[i] / Math.SQRT2;
    if (Math.abs(x) >= 3) continue; // outside the float64 series' accurate range
    const u = ((b[i] >>> 9) / 2 ** 23) * 2 - (1 - 2 ** -24);
    assert.ok(Math.abs(erf64(x) - u) < 1e-6, `normal[${i}] = ${z[i]}, u = ${u}`);
    checked++;
  }
  assert.ok(checked > 190);
  let sum = 0;
  let sumSq = 0;
  for (const v of z) {
    assert.ok(Number.isFinite(v));
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / n;
  const variance = sumSq / n - mean * mean;
  assert.ok(Math.abs(mean) < 0.02, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.02, `variance ${variance}`);
});

/** erf in float64 by its Maclaurin series, accurate to ~1e-13 for |x| < 3. */
function erf64(x: number): number {
  let term = x;
  let total = x;
  for (let n = 1; n < 100; n++) {
    term *= (-x * x) / n; // (-1)^n x^(2n+1) / n!
    total += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * total;
}

test('the same key gives identical numbers; different keys do not', () => {
  const k = random.key(5);
  assert.deepEqual(random.bits(k, [1000]), random.bits(k, [1000]));
  assert.deepEqual(random.normal(k, [257]).data, random.normal(k, [257]).data);
  assert.deepEqual(random.permutation(k, 500), random.permutation(k, 500));
  const [a, b] = random.split(k);
  assert.notDeepEqual(random.bits(a, [8]), random.bits(b, [8]));
  // keys are values: drawing never changes them
  assert.deepEqual(Array.from(k), [0, 5]);
});

test('key takes 32-bit integer seeds mod 2^32, and a key may be a plain [hi, lo] array', () => {
  assert.deepEqual(Array.from(random.key(-1)), [0, 0xffffffff]);
  assert.deepEqual(Array.from(random.key(2 ** 32 - 1)), [0, 0xffffffff]);
  assert.deepEqual(Array.from(random.key(-(2 ** 31))), [0, 2 ** 31]);
  const plain = [0, 42] as unknown as Key;
  assert.deepEqual(random.bits(plain, [8]), random.bits(random.key(42), [8]));
  assert.deepEqual(random.split(plain, 3), random.split(random.key(42), 3));
});

test('shapes: scalars, empty and multi-dimensional', () => {
  const k = random.key(1);
  const s = random.uniform(k, []);
  assert.ok(s instanceof Tensor);
  assert.deepEqual(s.shape, []);
  assert.equal(s.data.length, 1);
  assert.equal(random.normal(k, [0, 3]).data.length, 0);
  assert.equal(random.bits(k, [2, 3, 4]).length, 24);
  // row-major: a [2, 3] draw is the flat [6] draw
  assert.deepEqual(random.rademacher(k, [2, 3]).data, random.rademacher(k, [6]).data);
  assert.deepEqual(random.split(k, 0), []);
});

/** JAX's _shuffle written independently: Array.prototype.sort is stable since ES2019. */
function referencePermutation(key: Key, n: number): number[] {
  const rounds = n <= 1 ? 0 : Math.ceil((3 * Math.log(n)) / Math.log(2 ** 32 - 1));
  let x = Array.from({ length: n }, (_, i) => i);
  let k = key;
  for (let r = 0; r < rounds; r++) {
    const [next, sub] = random.split(k);
    k = next;
    const sortKeys = random.bits(sub, [n]);
    x = x.map((v, i) => [sortKeys[i], v]).sort((p, q) => p[0] - q[0]).map((p) => p[1]);
  }
  return x;
}

test("permutation is a true permutation and follows JAX's sort-based shuffle", () => {
  const k = random.key(3);
  // 1625 takes one round of sorting, 1626 two (1626^3 > 2^32 - 1)
  for (const n of [0, 1, 2, 10, 1625, 1626, 5000]) {
    const p = random.permutation(k, n);
    assert.ok(p instanceof Int32Array);
    assert.deepEqual(Array.from(p).sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
    assert.deepEqual(Array.from(p), referencePermutation(k, n), `n = ${n}`);
  }
  assert.deepEqual(Array.from(random.permutation(k, 1)), [0]);
  assert.notDeepEqual(random.permutation(k, 50), random.permutation(random.key(4), 50));
});

test('bad keys, seeds, shapes and counts throw clear errors', () => {
  const k = random.key(0);
  const badKeys: unknown[] = [
    undefined, 3, new Uint32Array(3), new Float32Array(2), new Int32Array(2), [1], [1, -1], [0, 2 ** 32], [0.5, 1],
  ];
  for (const bad of badKeys) {
    assert.throws(
      () => random.bits(bad as Key, [2]),
      (e: Error) => e instanceof TypeError && /random\.bits: key must be a Uint32Array of length 2/.test(e.message),
      String(bad),
    );
  }
  for (const fn of ['split', 'foldIn', 'uniform', 'normal', 'rademacher', 'permutation'] as const) {
    assert.throws(() => (random[fn] as (...a: unknown[]) => unknown)('key', [2]), new RegExp(`random\\.${fn}: key`));
  }
  assert.throws(() => random.key(1.5), TypeError);
  assert.throws(() => random.key('1' as unknown as number), TypeError);
  assert.throws(() => random.key(2 ** 32), RangeError);
  assert.throws(() => random.key(-(2 ** 31) - 1), RangeError);
  assert.throws(() => random.foldIn(k, 0.5), TypeError);
  assert.throws(() => random.uniform(k, [-1]), /random\.uniform: shape must be an array of non-negative integers/);
  assert.throws(() => random.normal(k, 3 as unknown as number[]), TypeError);
  assert.throws(() => random.rademacher(k, [2.5]), TypeError);
  assert.throws(() => random.bits(k, [2 ** 16, 2 ** 16]), RangeError);
  assert.throws(() => random.uniform(k, [2], NaN), /minval must be a finite number/);
  assert.throws(() => random.uniform(k, [2], 0, Infinity), /maxval must be a finite number/);
  assert.throws(() => random.split(k, -1), /random\.split: n must be a non-negative integer/);
  assert.throws(() => random.split(k, 1.5), TypeError);
  assert.throws(() => random.permutation(k, -3), /random\.permutation: n must be a non-negative integer/);
});

test('draws leave the wasm arena as they found it', () => {
  const before = mark();
  const k = random.key(11);
  random.split(k, 4);
  random.foldIn(k, 3);
  random.bits(k, [100]);
  random.uniform(k, [100]);
  random.normal(k, [100]);
  random.rademacher(k, [100]);
  random.permutation(k, 100);
  assert.equal(mark(), before);
});
