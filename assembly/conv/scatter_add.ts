// The transpose of gather.ts (a max pooling's VJP: x̄ at the argmax += ȳ). Sources in index
// order, so an element selected by several outputs (overlapping windows) sums them in one order.

/**
 * dst[index[i]] += src[i] for i < runs·run, in order of i (index i32; -1 is skipped). The
 * elements come in `runs` runs of `run` (a max pooling's images, `run` outputs each) and no two
 * runs select the same target, so threads can take ranges of runs: every target then receives
 * its sources from one thread, in the same order.
 */
export function scatterAddRuns(src: usize, index: usize, dst: usize, runs: i32, run: i32): void {
  const n = runs * run;
  for (let i = 0; i < n; i++) {
    const j = load<i32>(index + (<usize>i << 2));
    if (j >= 0) {
      const p = dst + (<usize>j << 2);
      store<f32>(p, load<f32>(p) + load<f32>(src + (<usize>i << 2)));
    }
  }
}
