// Axis permutation (transpose) of an n-d array. `shape` holds the OUTPUT shape (ndim i32s) and
// `strides` the input stride, in elements, of each output axis; the output is written in row-major
// order. Pure data movement, so any order gives the same bits. `counter` is ndim i32s of scratch
// from the caller: a kernel never writes static memory, which all threads share.

export function permute(
  x: usize, y: usize, ndim: i32, shape: usize, strides: usize, counter: usize, accumulate: bool,
): void {
  let total = 1;
  for (let d = 0; d < ndim; d++) total *= load<i32>(shape + (<usize>d << 2));
  // counter[d] walks the output index; `offset` is the matching input element.
  let offset = 0;
  for (let d = 0; d < ndim; d++) store<i32>(counter + (<usize>d << 2), 0);
  for (let k = 0; k < total; k++) {
    let v = load<f32>(x + (<usize>offset << 2));
    const dst = y + (<usize>k << 2);
    if (accumulate) v = load<f32>(dst) + v;
    store<f32>(dst, v);
    // advance the output index like an odometer, updating the input offset incrementally
    for (let d = ndim - 1; d >= 0; d--) {
      const p = counter + (<usize>d << 2);
      const c = load<i32>(p) + 1;
      const s = load<i32>(strides + (<usize>d << 2));
      if (c < load<i32>(shape + (<usize>d << 2))) {
        store<i32>(p, c);
        offset += s;
        break;
      }
      store<i32>(p, 0);
      offset -= (c - 1) * s;
    }
  }
}
