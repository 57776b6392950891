// Kernels of assembly/ops/take.ts: known answers worked out by hand, including repeated indices
// (the scatter adds every copy back) and accumulation into existing values.
import { scatterAddAxis, takeAxis } from '../ops/take';

function floats(values: f32[]): usize {
  const p = heap.alloc(<usize>values.length << 2);
  for (let i = 0; i < values.length; i++) store<f32>(p + (<usize>i << 2), values[i]);
  return p;
}
function ints(values: i32[]): usize {
  const p = heap.alloc(<usize>values.length << 2);
  for (let i = 0; i < values.length; i++) store<i32>(p + (<usize>i << 2), values[i]);
  return p;
}
function get(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}

describe('takeAxis', () => {
  it('gathers rows of a [3, 2] array in the given order, repeats allowed', () => {
    const x = floats([1, 2, 3, 4, 5, 6]);
    const y = floats([0, 0, 0, 0, 0, 0, 0, 0]);
    takeAxis(x, ints([2, 0, 2, 1]), y, 1, 3, 2, 4, false);
    const want: f32[] = [5, 6, 1, 2, 5, 6, 3, 4];
    for (let i = 0; i < 8; i++) expect<f32>(get(y, i)).toBe(want[i]);
  });
  it('gathers along the middle axis of [2, 3, 1] and accumulates into y', () => {
    const x = floats([1, 2, 3, 10, 20, 30]);
    const y = floats([100, 100, 100, 100]);
    takeAxis(x, ints([1, 2]), y, 2, 3, 1, 2, true);
    const want: f32[] = [102, 103, 120, 130];
    for (let i = 0; i < 4; i++) expect<f32>(get(y, i)).toBe(want[i]);
  });
});

describe('scatterAddAxis', () => {
  it('adds each gathered row back where it came from, repeated indices summed', () => {
    const y = floats([1, 2, 3, 4, 5, 6, 7, 8]);
    const x = floats([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    scatterAddAxis(y, ints([2, 0, 2, 1]), x, 1, 3, 2, 4);
    const want: f32[] = [3.5, 4.5, 7.5, 8.5, 6.5, 8.5];
    for (let i = 0; i < 6; i++) expect<f32>(get(x, i)).toBe(want[i]);
  });
});
