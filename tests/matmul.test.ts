// The host matmul (src/kernels/matmul.ts, and np.matmul on it) against a float64 reference product
// on the same float32 inputs, within the rounding-error bound of a float32 sum; the three storage
// variants, bias and accumulate through matmulInto; the scalar kernel's bits; errors for bad operands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np, tensor, Tensor } from '../src/index.js';
import { matmulInto, matmulUsing, type MatmulOptions } from '../src/kernels/matmul.js';
import { core } from '../src/wasm/instance.js';
import { lcgFloats } from './helpers/lcg.js';
import { allocF32, copyIn, copyOut, mark, release } from '../src/wasm/arena.js';

/** Deterministic values in [-1, 1). */
const randomValues = (count: number, seed: number) => lcgFloats(seed, count);

/** Row-major transpose of a rows×cols matrix. */
function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c];
  return out;
}

/**
 * The exact-ish product in float64, and per element Σ_p |a_ip b_pj| for the error bound: a
 * float32 sum of k products (each product rounded once, then k additions) is within
 * (k + 1)·2⁻²⁴·Σ|a b| of the exact value, to first order (Higham, Accuracy and Stability, §3.1).
 */
function reference(a: Float32Array, b: Float32Array, m: number, k: number, n: number) {
  const value = new Float64Array(m * n);
  const magnitude = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let mag = 0;
      for (let p = 0; p < k; p++) {
        const prod = a[i * k + p] * b[p * n + j];
        s += prod;
        mag += Math.abs(prod);
      }
      value[i * n + j] = s;
      magnitude[i * n + j] = mag;
    }
  }
  return { value, magnitude };
}

/** Asserts |got - want| ≤ (terms + 1)·2⁻²⁴·magnitude (+ a little for the extra additions). */
function assertClose(
  got: Float32Array, want: Float64Array, magnitude: Float64Array, terms: number, what: string,
): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) {
    const bound = (terms + 1) * 2 ** -24 * magnitude[i] + 1e-30;
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= bound)) {
      assert.fail(`${what}: element ${i} is ${got[i]}, expected ${want[i]} (error ${err} > bound ${bound})`);
    }
  }
}

const SHAPES: [number, number, number][] = [
  [1, 1, 1], [3, 5, 7], [13, 17, 10], [128, 33, 10], [4, 8, 8], [6, 2, 37], [32, 784, 128],
];

test('np.matmul matches a float64 reference product within float32 rounding', () => {
  for (const [m, k, n] of SHAPES) {
    const a = randomValues(m * k, 1 + m);
    const b = randomValues(k * n, 2 + n);
    const c = np.matmul(new Tensor(a, [m, k]), new Tensor(b, [k, n]));
    assert.deepEqual(c.shape, [m, n]);
    const ref = reference(a, b, m, k, n);
    assertClose(c.data, ref.value, ref.magnitude, k, `${m}×${k}×${n}`);
  }
});

test('np.matmul on a product worked out by hand', () => {
  // [[1, 2, 3], [4, 5, 6]]·[[7, 8], [9, 10], [11, 12]] = [[58, 64], [139, 154]]
  const c = np.matmul(tensor([[1, 2, 3], [4, 5, 6]]), tensor([[7, 8], [9, 10], [11, 12]]));
  assert.deepEqual(c.shape, [2, 2]);
  assert.deepEqual(Array.from(c.data), [58, 64, 139, 154]);
});

test('np.matmul frees its arena memory', () => {
  const before = mark();
  np.matmul(tensor([[1, 2]]), tensor([[3], [4]]));
  assert.equal(mark(), before);
});

/** Runs matmulInto on stored (possibly transposed) copies of a and b; returns C. */
function runInto(
  a: Float32Array, b: Float32Array, m: number, k: number, n: number,
  opts: MatmulOptions, initial?: Float32Array, bias?: Float32Array, into = matmulInto,
): Float32Array {
  const m0 = mark();
  try {
    const pa = copyIn(opts.transA ? transpose(a, m, k) : a);
    const pb = copyIn(opts.transB ? transpose(b, k, n) : b);
    const pc = initial ? copyIn(initial) : allocF32(m * n);
    const pBias = bias ? copyIn(bias) : undefined;
    into(pa, pb, pc, m, k, n, { ...opts, bias: pBias });
    return copyOut(pc, m * n);
  } finally {
    release(m0);
  }
}

/** matmulInto on the scalar kernel, which must give the SIMD kernel's bits. */
const matmulScalarInto = matmulUsing(core.matmulScalar);

const VARIANTS: [string, MatmulOptions][] = [
  ['A·B', {}],
  ['Aᵀ·B', { transA: true }],
  ['A·Bᵀ', { transB: true }],
  ['Aᵀ·Bᵀ', { transA: true, transB: true }],
];

test('matmulInto: A·B, Aᵀ·B and A·Bᵀ from transposed storage match the reference', () => {
  for (const [m, k, n] of [[13, 17, 10], [128, 33, 10], [5, 64, 19]] as const) {
    const a = randomValues(m * k, 7);
    const b = randomValues(k * n, 8);
    const ref = reference(a, b, m, k, n);
    for (const [name, opts] of VARIANTS) {
      const got = runInto(a, b, m, k, n, opts);
      assertClose(got, ref.value, ref.magnitude, k, `${name} ${m}×${k}×${n}`);
      // the scalar kernel gives the same bits
      const scalar = runInto(a, b, m, k, n, opts, undefined, undefined, matmulScalarInto);
      assert.deepEqual(new Uint32Array(scalar.buffer), new Uint32Array(got.buffer), `${name} scalar`);
    }
  }
});

test('matmulInto: bias is added to every row, accumulate adds to the old C', () => {
  const [m, k, n] = [9, 21, 11];
  const a = randomValues(m * k, 3);
  const b = randomValues(k * n, 4);
  const bias = randomValues(n, 5);
  const initial = randomValues(m * n, 6);
  const ref = reference(a, b, m, k, n);
  for (const [name, opts] of VARIANTS) {
    const withBias = runInto(a, b, m, k, n, opts, undefined, bias);
    const wantBias = ref.value.map((v, i) => v + bias[i % n]);
    const magBias = ref.magnitude.map((v, i) => v + Math.abs(bias[i % n]));
    assertClose(withBias, wantBias, magBias, k + 1, `${name} + bias`);

    const acc = runInto(a, b, m, k, n, { ...opts, accumulate: true }, initial, bias);
    const wantAcc = wantBias.map((v, i) => v + initial[i]);
    const magAcc = magBias.map((v, i) => v + Math.abs(initial[i]));
    assertClose(acc, wantAcc, magAcc, k + 2, `${name} accumulate + bias`);
  }
});

test('matmulInto: k = 0 gives the bias, or leaves C unchanged', () => {
  const bias = Float32Array.of(1.5, -2);
  assert.deepEqual(
    Array.from(runInto(new Float32Array(0), new Float32Array(0), 2, 0, 2, {}, undefined, bias)),
    [1.5, -2, 1.5, -2],
  );
  const initial = Float32Array.of(1, 2, 3, 4);
  assert.deepEqual(
    Array.from(runInto(new Float32Array(0), new Float32Array(0), 2, 0, 2, { accumulate: true }, initial)),
    [1, 2, 3, 4],
  );
});

test('np.matmul: shapes that do not align throw a RangeError naming both', () => {
  const a = new Tensor(new Float32Array(6), [2, 3]);
  const b = new Tensor(new Float32Array(20), [4, 5]);
  assert.throws(
    () => np.matmul(a, b),
    (e: Error) =>
      e instanceof RangeError &&
      e.message.includes('[2, 3]') &&
      e.message.includes('[4, 5]') &&
      e.message.includes('3 ≠ 4'),
  );
});

test('np.matmul: non-tensors and tensors of more than 2 dimensions are refused, naming what they are', () => {
  const m = new Tensor(new Float32Array(4), [2, 2]);
  assert.throws(() => np.matmul([[1, 2], [3, 4]] as unknown as Tensor, m), (e: Error) =>
    e instanceof TypeError && /must be a Tensor or a number, got array/.test(e.message));
  assert.throws(() => np.matmul(m, new Tensor(new Float32Array(8), [2, 2, 2])), (e: Error) =>
    e instanceof RangeError && e.message.includes('supports 1-D and 2-D operands, got shapes [2, 2] and [2, 2, 2]'));
});

test('matmulInto: sizes that are not non-negative integers throw a RangeError', () => {
  assert.throws(() => matmulInto(0, 0, 0, -1, 2, 2), (e: Error) =>
    e instanceof RangeError && e.message.includes('m must be a non-negative 32-bit integer, got -1'));
  assert.throws(() => matmulInto(0, 0, 0, 2, 1.5, 2), (e: Error) =>
    e instanceof RangeError && e.message.includes('k must be'));
  // k·n of 2^25·1 floats fits in wasm memory as data, but its packed panels would not
  assert.throws(() => matmulInto(0, 0, 0, 1, 2 ** 25, 1), (e: Error) =>
    e instanceof RangeError && e.message.includes('1×33554432×1 needs more than 2 GiB'));
});
