// The transpose of gather.ts (a max pooling's VJP: x̄ at the argmax += ȳ). Sources in index
// order, so an element selected by several outputs (overlapping windows) sums them in one order.

/** dst[index[i]] += src[i] for i < n, in order of i (index i32; -1 is skipped). */
export function scatterAddAt(src: usize, index: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const j = load<i32>(index + (<usize>i << 2));
    if (j >= 0) {
      const p = dst + (<usize>j << 2);
      store<f32>(p, load<f32>(p) + load<f32>(src + (<usize>i << 2)));
    }
  }
}
