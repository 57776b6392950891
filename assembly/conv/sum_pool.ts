// Sum and average pooling: y[n, oy, ox, c] = Σ x over the window's non-padding positions, in
// row-major window order from +0 (padding contributes nothing); the average divides that sum by
// the count of non-padding positions (stax's AvgPool). Channels are contiguous in NHWC: the f32x4
// body and the scalar tail do the same adds per channel, so they give the same bits.
import { Window, advance, dxHi, dxLo, dyHi, dyLo, inputIndex, insideCount, outputRows, seek } from './window';

/** y = sumPool(x) (average != 0: divided by the count of non-padding positions). */
export function sumPool(x: usize, y: usize, geometry: usize, average: i32): void {
  const g = changetype<Window>(geometry);
  const c = g.inC;
  const total = outputRows(g);
  seek(g, 0);
  for (let r = 0; r < total; r++) {
    const count = <f32>insideCount();
    let i = 0;
    for (; i + 4 <= c; i += 4) {
      let s = f32x4.splat(0);
      for (let dy = dyLo; dy < dyHi; dy++) {
        for (let dx = dxLo; dx < dxHi; dx++) s = f32x4.add(s, v128.load(x + (<usize>(inputIndex(g, dy, dx) + i) << 2)));
      }
      if (average) s = f32x4.div(s, f32x4.splat(count));
      v128.store(y + (<usize>i << 2), s);
    }
    for (; i < c; i++) {
      let s: f32 = 0;
      for (let dy = dyLo; dy < dyHi; dy++) {
        for (let dx = dxLo; dx < dxHi; dx++) s += load<f32>(x + (<usize>(inputIndex(g, dy, dx) + i) << 2));
      }
      if (average) s = s / count;
      store<f32>(y + (<usize>i << 2), s);
    }
    y += <usize>c << 2;
    advance(g);
  }
}
