// Deterministic test and benchmark data: a 32-bit linear congruential generator (Numerical
// Recipes' constants), so tests need neither a library PRNG nor Math.random. Values are the top
// 24 bits of each state, so they are exact float32 numbers in [lo, hi) for lo, hi of this scale.

/** `count` values in [lo, hi) from `seed`. */
export function lcgFloats(seed: number, count: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(count);
  for (let k = 0; k < count; k++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[k] = lo + ((s >>> 8) / 2 ** 24) * (hi - lo);
  }
  return out;
}
