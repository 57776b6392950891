// Gathering along an axis (numpy's take) and its transpose. An array is seen as [outer, len, inner]
// around the axis and `idx` holds `count` i32 positions in [0, len):
//   takeAxis:       y[o, k, i] (+)= x[o, idx[k], i]
//   scatterAddAxis: x[o, idx[k], i] += y[o, k, i]   (k in increasing order: a fixed summation
//                   order, so repeated indices add up the same way every time)

export function takeAxis(x: usize, idx: usize, y: usize, outer: i32, len: i32, inner: i32, count: i32, accumulate: bool): void {
  const row = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const src = x + <usize>o * <usize>len * row;
    const dst = y + <usize>o * <usize>count * row;
    for (let k = 0; k < count; k++) {
      const from = src + <usize>load<i32>(idx + (<usize>k << 2)) * row;
      const to = dst + <usize>k * row;
      if (!accumulate) {
        memory.copy(to, from, row);
        continue;
      }
      for (let i = 0; i < inner; i++) {
        const p = to + (<usize>i << 2);
        store<f32>(p, load<f32>(p) + load<f32>(from + (<usize>i << 2)));
      }
    }
  }
}

export function scatterAddAxis(y: usize, idx: usize, x: usize, outer: i32, len: i32, inner: i32, count: i32): void {
  const row = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const src = y + <usize>o * <usize>count * row;
    const dst = x + <usize>o * <usize>len * row;
    for (let k = 0; k < count; k++) {
      const to = dst + <usize>load<i32>(idx + (<usize>k << 2)) * row;
      const from = src + <usize>k * row;
      for (let i = 0; i < inner; i++) {
        const p = to + (<usize>i << 2);
        store<f32>(p, load<f32>(p) + load<f32>(from + (<usize>i << 2)));
      }
    }
  }
}
