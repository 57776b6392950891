// JAX's PRNG (jax.random with the threefry2x32 implementation in partitionable mode), bit for bit.
// A key is two u32 words; every random bit is made in wasm (assembly/random/), and this module
// validates arguments, moves keys in and results out of the arena, and shapes the results.
//
// Keys are values: functions never change a key, and the same key always gives the same numbers.
// Use split (or foldIn) to get fresh keys; never reuse a key for two different draws.
import { alloc, scoped, u32, f32 } from './wasm/arena.js';
import { core } from './wasm/instance.js';
import { Tensor, checkShape, describe, sizeOf } from './tensor.js';
import type { Shape } from './tensor.js';

/** A PRNG key: JAX's raw threefry key, two u32 words [hi, lo]. */
export type Key = Uint32Array;

const UINT32_LIMIT = 2 ** 32;

/** Integers JAX turns into one u32 word: the int32 and uint32 ranges, taken mod 2^32. */
function toWord(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${what} must be an integer, got ${describe(value)}`);
  }
  if (value < -(2 ** 31) || value >= UINT32_LIMIT) {
    throw new RangeError(`${what} must be in [-2^31, 2^32 - 1] (a 32-bit integer), got ${value}`);
  }
  return value >>> 0;
}

function checkKey(key: unknown, fn: string): Key {
  if (key instanceof Uint32Array && key.length === 2) return key;
  if (
    Array.isArray(key) &&
    key.length === 2 &&
    key.every((w) => Number.isInteger(w) && w >= 0 && w < UINT32_LIMIT)
  ) {
    return Uint32Array.from(key);
  }
  throw new TypeError(
    `random.${fn}: key must be a Uint32Array of length 2 (from random.key or random.split) ` +
      `or an array of two uint32 integers, got ${describe(key)}`,
  );
}

function checkCount(n: unknown, fn: string, what: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new TypeError(`random.${fn}: ${what} must be a non-negative integer, got ${describe(n)}`);
  }
  if (n > 2 ** 31 - 1) throw new RangeError(`random.${fn}: ${what} ${n} exceeds 2^31 - 1`);
  return n;
}

function checkRandomShape(shape: unknown, fn: string): Shape {
  const s = checkShape(shape, `random.${fn}: shape`);
  checkCount(sizeOf(s), fn, 'the number of elements');
  return s;
}

/** Runs a kernel that writes `count` u32 words at a fresh arena address; returns a copy. */
function wordsFromWasm(count: number, fill: (ptr: number) => void): Uint32Array {
  return scoped(() => {
    const ptr = alloc(count * 4);
    fill(ptr);
    return u32(ptr, count).slice();
  });
}

function tensorFromWasm(shape: Shape, fill: (ptr: number, n: number) => void): Tensor {
  const n = sizeOf(shape);
  const data = scoped(() => {
    const ptr = alloc(n * 4);
    fill(ptr, n);
    return f32(ptr, n).slice();
  });
  return new Tensor(data, shape);
}

/**
 * jax.random.key / PRNGKey(seed) for a 32-bit seed: [0, seed mod 2^32] (threefry_seed puts
 * seed >>> 32, here 0, in the first word). Seeds outside [-2^31, 2^32 - 1] throw a RangeError.
 */
export function key(seed: number): Key {
  return Uint32Array.of(0, toWord(seed, 'random.key: seed'));
}

/** jax.random.split(key, n): n new keys, key i = threefry2x32(key, (0, i)). */
export function split(key: Key, n = 2): Key[] {
  const k = checkKey(key, 'split');
  checkCount(n, 'split', 'n');
  const words = wordsFromWasm(2 * n, (ptr) => core.randomSplit(k[0], k[1], ptr, n));
  return Array.from({ length: n }, (_, i) => words.slice(2 * i, 2 * i + 2));
}

/** jax.random.fold_in(key, data): threefry2x32(key, (0, data as uint32)). */
export function foldIn(key: Key, data: number): Key {
  const k = checkKey(key, 'foldIn');
  const d = toWord(data, 'random.foldIn: data');
  return wordsFromWasm(2, (ptr) => {
    u32(ptr, 2).set([0, d]);
    core.randomThreefry2x32(k[0], k[1], ptr, ptr, 1);
  });
}

/** jax.random.bits(key, shape) for uint32: prod(shape) words in row-major order. */
export function bits(key: Key, shape: Shape): Uint32Array {
  const k = checkKey(key, 'bits');
  const n = sizeOf(checkRandomShape(shape, 'bits'));
  return wordsFromWasm(n, (ptr) => core.randomBits(k[0], k[1], ptr, n));
}

/** jax.random.uniform(key, shape, float32, minval, maxval): values in [minval, maxval). */
export function uniform(key: Key, shape: Shape, minval = 0, maxval = 1): Tensor {
  const k = checkKey(key, 'uniform');
  const s = checkRandomShape(shape, 'uniform');
  for (const [name, v] of [['minval', minval], ['maxval', maxval]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new TypeError(`random.uniform: ${name} must be a finite number, got ${describe(v)}`);
    }
  }
  return tensorFromWasm(s, (ptr, n) => core.randomUniform(k[0], k[1], ptr, n, minval, maxval));
}

/**
 * jax.random.normal(key, shape, float32): sqrt(2) * erfinv(u), u = uniform(key, shape,
 * nextafter(-1, 0), 1), with XLA's float32 erfinv.
 */
export function normal(key: Key, shape: Shape): Tensor {
  const k = checkKey(key, 'normal');
  const s = checkRandomShape(shape, 'normal');
  return tensorFromWasm(s, (ptr, n) => core.randomNormal(k[0], k[1], ptr, n));
}

/**
 * jax.random.truncated_normal(key, lower, upper, shape, float32): a standard normal restricted to
 * (lower, upper), as √2·erfinv of a uniform between erf(lower/√2) and erf(upper/√2).
 */
export function truncatedNormal(key: Key, lower: number, upper: number, shape: Shape): Tensor {
  const k = checkKey(key, 'truncatedNormal');
  const s = checkRandomShape(shape, 'truncatedNormal');
  if (!(Number.isFinite(lower) && Number.isFinite(upper) && lower < upper)) {
    throw new RangeError(`random.truncatedNormal: need finite lower < upper, got (${lower}, ${upper})`);
  }
  return tensorFromWasm(s, (ptr, n) => core.randomTruncatedNormal(k[0], k[1], ptr, n, lower, upper));
}

/** jax.random.rademacher(key, shape, float32): ±1 with equal probability. */
export function rademacher(key: Key, shape: Shape): Tensor {
  const k = checkKey(key, 'rademacher');
  const s = checkRandomShape(shape, 'rademacher');
  return tensorFromWasm(s, (ptr, n) => core.randomRademacher(k[0], k[1], ptr, n, 0));
}

/**
 * Rounds of JAX's _shuffle: ceil(3 ln n / ln(2^32 - 1)), i.e. the least r with
 * (2^32 - 1)^r >= n^3 (enough sorts that ties between random sort keys are unlikely). Counted
 * exactly in integers rather than with floating-point logarithms.
 */
function shuffleRounds(n: number): number {
  const cube = BigInt(Math.max(1, n)) ** 3n;
  const base = 2n ** 32n - 1n;
  let rounds = 0;
  for (let power = 1n; power < cube; power *= base) rounds++;
  return rounds;
}

/**
 * Stable sort of `values` by the u32 `sortKeys` (XLA's stable sort_key_val), as an LSD radix
 * sort: four passes of 8 bits, each a stable counting sort.
 */
function sortByKeys(sortKeys: Uint32Array, values: Int32Array): Int32Array {
  const n = values.length;
  let keys = sortKeys.slice();
  let vals = values.slice();
  let keysOut = new Uint32Array(n);
  let valsOut = new Int32Array(n);
  const counts = new Uint32Array(256);
  for (let shift = 0; shift < 32; shift += 8) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(keys[i] >>> shift) & 255]++;
    let start = 0;
    for (let b = 0; b < 256; b++) {
      const c = counts[b];
      counts[b] = start;
      start += c;
    }
    for (let i = 0; i < n; i++) {
      const to = counts[(keys[i] >>> shift) & 255]++;
      keysOut[to] = keys[i];
      valsOut[to] = vals[i];
    }
    [keys, keysOut] = [keysOut, keys];
    [vals, valsOut] = [valsOut, vals];
  }
  return vals;
}

/**
 * jax.random.permutation(key, n): a random ordering of 0 .. n-1, as JAX's _shuffle: each round
 * takes key, subkey = split(key), draws bits(subkey, [n]) as sort keys and stably sorts by them.
 */
export function permutation(key: Key, n: number): Int32Array {
  let k = checkKey(key, 'permutation');
  checkCount(n, 'permutation', 'n');
  let x: Int32Array = new Int32Array(n);
  for (let i = 0; i < n; i++) x[i] = i;
  for (let round = shuffleRounds(n); round > 0; round--) {
    const [next, subkey] = split(k);
    k = next;
    x = sortByKeys(bits(subkey, [n]), x);
  }
  return x;
}
