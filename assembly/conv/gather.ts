// The selection a max pooling recorded, applied to another array (its JVP: ẏ = ẋ at the argmax).

/** dst[i] = src[index[i]] for i < n (index i32; -1 gives +0). */
export function gatherAt(src: usize, index: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const j = load<i32>(index + (<usize>i << 2));
    store<f32>(dst + (<usize>i << 2), j < 0 ? 0 : load<f32>(src + (<usize>j << 2)));
  }
}
