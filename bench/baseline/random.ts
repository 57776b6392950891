// The plain-JS yardstick for the wasm PRNG kernels: JAX's threefry2x32 (20 rounds, written out
// round by round as in assembly/random/threefry.ts) on 32-bit integers, one element at a time.
// The same arithmetic as the wasm scalar path, so the results are bit-identical to the wasm ones
// (the bench suite checks that before it times anything).

/** Threefish's key-schedule parity constant. */
const C240 = 0x1bd11bda;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/**
 * JAX's 32 random bits for flat index i, y0 ^ y1 of threefry2x32(key, (0, i)), as an int32
 * (returning a u32 above 2^31 would box it in a heap number on every call).
 */
function threefryBits(k0: number, k1: number, k2: number, i: number): number {
  // `| 0` keeps every sum a 32-bit integer (mod 2^32).
  let x0 = k0;
  let x1 = (i + k1) | 0;

  x0 = (x0 + x1) | 0; x1 = rotl(x1, 13) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 15) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 26) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 6) ^ x0;
  x0 = (x0 + k1) | 0; x1 = (x1 + k2 + 1) | 0;

  x0 = (x0 + x1) | 0; x1 = rotl(x1, 17) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 29) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 16) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 24) ^ x0;
  x0 = (x0 + k2) | 0; x1 = (x1 + k0 + 2) | 0;

  x0 = (x0 + x1) | 0; x1 = rotl(x1, 13) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 15) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 26) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 6) ^ x0;
  x0 = (x0 + k0) | 0; x1 = (x1 + k1 + 3) | 0;

  x0 = (x0 + x1) | 0; x1 = rotl(x1, 17) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 29) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 16) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 24) ^ x0;
  x0 = (x0 + k1) | 0; x1 = (x1 + k2 + 4) | 0;

  x0 = (x0 + x1) | 0; x1 = rotl(x1, 13) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 15) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 26) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 6) ^ x0;
  x0 = (x0 + k2) | 0; x1 = (x1 + k0 + 5) | 0;

  return x0 ^ x1;
}

/** random.bits(key, [n]) (the Uint32Array store reads the int32 bits as u32). */
export function bits(k0: number, k1: number, out: Uint32Array): void {
  const k2 = k0 ^ k1 ^ C240;
  for (let i = 0; i < out.length; i++) out[i] = threefryBits(k0, k1, k2, i);
}

/** random.rademacher(key, [n]): +1 where the top random bit is 0, else -1. */
export function rademacher(k0: number, k1: number, out: Float32Array): void {
  const k2 = k0 ^ k1 ^ C240;
  for (let i = 0; i < out.length; i++) out[i] = threefryBits(k0, k1, k2, i) < 0 ? -1 : 1; // top bit set
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** a·b + c for float32 a, b, c, rounded once to float32 (as assembly/random/fma.ts: round to odd). */
function fmaF32(a: number, b: number, c: number): number {
  const p = a * b; // exact
  const s = p + c;
  const v = s - p;
  const err = p - (s - v) + (c - v);
  if (err === 0) return Math.fround(s);
  f64[0] = s;
  if ((u64[0] & 1n) === 0n) u64[0] += err > 0 === s > 0 ? 1n : -1n;
  return Math.fround(f64[0]);
}

/** random.uniform(key, [n], minval, maxval) with JAX's float32 roundings (the multiply-add fused). */
export function uniform(k0: number, k1: number, out: Float32Array, minval: number, maxval: number): void {
  const k2 = k0 ^ k1 ^ C240;
  const lo = Math.fround(minval);
  const scale = Math.fround(Math.fround(maxval) - lo);
  for (let i = 0; i < out.length; i++) {
    const unit = (threefryBits(k0, k1, k2, i) >>> 9) / 2 ** 23; // exact
    out[i] = Math.max(lo, fmaF32(unit, scale, lo));
  }
}
