// Reductions and broadcasts along one axis. The array is viewed as [outer, len, inner] (row-major):
// the axis has length `len`, `inner` is the product of the later axes. Reducing keeps the axis
// with length 1, giving [outer, 1, inner]. Sums run over the axis in index order, one lane per inner
// position, so the f32x4 body and the scalar tail agree bit for bit.

@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/** y[o, i] (+)= sum over l of x[o, l, i] */
export function sumAxis(x: usize, y: usize, outer: i32, len: i32, inner: i32, accumulate: bool): void {
  for (let o = 0; o < outer; o++) {
    const xo = at(x, o * len * inner);
    const yo = at(y, o * inner);
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      let acc = f32x4.splat(0);
      for (let l = 0; l < len; l++) acc = f32x4.add(acc, v128.load(at(xo, l * inner + i)));
      if (accumulate) acc = f32x4.add(v128.load(at(yo, i)), acc);
      v128.store(at(yo, i), acc);
    }
    for (; i < inner; i++) {
      let acc: f32 = 0;
      for (let l = 0; l < len; l++) acc += load<f32>(at(xo, l * inner + i));
      if (accumulate) acc = load<f32>(at(yo, i)) + acc;
      store<f32>(at(yo, i), acc);
    }
  }
}

/** y[o, i] = max over l of x[o, l, i] (NaN propagates, as numpy) */
export function maxAxis(x: usize, y: usize, outer: i32, len: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    const xo = at(x, o * len * inner);
    const yo = at(y, o * inner);
    for (let i = 0; i < inner; i++) {
      let m: f32 = -Infinity;
      for (let l = 0; l < len; l++) {
        const v = load<f32>(at(xo, l * inner + i));
        if (v > m || isNaN(v)) m = v;
        if (isNaN(m)) break;
      }
      store<f32>(at(yo, i), m);
    }
  }
}

/** y[o, i] = the first l where x[o, l, i] is largest, as a float (numpy's argmax; NaN wins) */
export function argmaxAxis(x: usize, y: usize, outer: i32, len: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    const xo = at(x, o * len * inner);
    const yo = at(y, o * inner);
    for (let i = 0; i < inner; i++) {
      let best = 0;
      let m = load<f32>(at(xo, i));
      for (let l = 1; l < len && !isNaN(m); l++) {
        const v = load<f32>(at(xo, l * inner + i));
        if (v > m || isNaN(v)) {
          m = v;
          best = l;
        }
      }
      store<f32>(at(yo, i), <f32>best);
    }
  }
}

/** y[o, l, i] (+)= x[o, i] for every l: the transpose of sumAxis */
export function broadcastAxis(x: usize, y: usize, outer: i32, len: i32, inner: i32, accumulate: bool): void {
  if (inner == 1) {
    // one value per row of len: splat it across f32x4 lanes (a mean broadcast back over its row)
    for (let o = 0; o < outer; o++) {
      const v = v128.load32_splat(at(x, o));
      const yo = at(y, o * len);
      let l = 0;
      for (; l + 4 <= len; l += 4) v128.store(at(yo, l), accumulate ? f32x4.add(v128.load(at(yo, l)), v) : v);
      for (; l < len; l++) store<f32>(at(yo, l), accumulate ? load<f32>(at(yo, l)) + load<f32>(at(x, o)) : load<f32>(at(x, o)));
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    const xo = at(x, o * inner);
    const yo = at(y, o * len * inner);
    for (let l = 0; l < len; l++) {
      const yl = at(yo, l * inner);
      let i = 0;
      for (; i + 4 <= inner; i += 4) {
        let v = v128.load(at(xo, i));
        if (accumulate) v = f32x4.add(v128.load(at(yl, i)), v);
        v128.store(at(yl, i), v);
      }
      for (; i < inner; i++) {
        let v = load<f32>(at(xo, i));
        if (accumulate) v = load<f32>(at(yl, i)) + v;
        store<f32>(at(yl, i), v);
      }
    }
  }
}
