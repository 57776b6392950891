// f32 arrays in the specs' linear memory: allocation, element access, and deterministic values.

export function floats(n: i32): usize {
  return heap.alloc(<usize>max(n, 1) << 2);
}
export function get(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}
export function set(p: usize, i: i32, x: f32): void {
  store<f32>(p + (<usize>i << 2), x);
}
export function fromArray(values: f32[]): usize {
  const p = floats(values.length);
  for (let i = 0; i < values.length; i++) set(p, i, values[i]);
  return p;
}

// A small LCG: values in [-2, 2) with all mantissa bits busy, so rounding depends on the order
// of the sums (a different order would change low bits).
let seed: u32 = 12345;
export function nextValue(): f32 {
  seed = seed * 1664525 + 1013904223;
  return <f32>(<f64>(seed >>> 8) / 4194304.0 - 2.0);
}
export function randomFloats(n: i32): usize {
  const p = floats(n);
  for (let i = 0; i < n; i++) set(p, i, nextValue());
  return p;
}
