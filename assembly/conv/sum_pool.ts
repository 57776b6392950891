// Sum and average pooling: y[n, oy, ox, c] = Σ x over the window's non-padding positions, in
// row-major window order from +0 (padding contributes nothing); the average divides that sum by
// the count of non-padding positions (stax's AvgPool). Channels are contiguous in NHWC: the f32x4
// body and the scalar tail do the same adds per channel, so they give the same bits.
import { Window, endInside, firstInside } from './window';

/** y = sumPool(x) (average != 0: divided by the count of non-padding positions). */
export function sumPool(x: usize, y: usize, geometry: usize, average: i32): void {
  const g = changetype<Window>(geometry);
  const c = g.inC;
  const pixelBytes = <usize>c << 2;
  for (let n = 0; n < g.batch; n++) {
    const image = x + <usize>n * g.inH * g.inW * pixelBytes;
    for (let oy = 0; oy < g.outH; oy++) {
      const iy0 = oy * g.strideH - g.padTop;
      const dyLo = firstInside(iy0);
      const dyHi = endInside(iy0, g.kH, g.inH);
      for (let ox = 0; ox < g.outW; ox++) {
        const ix0 = ox * g.strideW - g.padLeft;
        const dxLo = firstInside(ix0);
        const dxHi = endInside(ix0, g.kW, g.inW);
        const count = <f32>(max(dyHi - dyLo, 0) * max(dxHi - dxLo, 0));
        let i = 0;
        for (; i + 4 <= c; i += 4) {
          let s = f32x4.splat(0);
          for (let dy = dyLo; dy < dyHi; dy++) {
            for (let dx = dxLo; dx < dxHi; dx++) {
              const p = image + <usize>((iy0 + dy) * g.inW + ix0 + dx) * pixelBytes + (<usize>i << 2);
              s = f32x4.add(s, v128.load(p));
            }
          }
          if (average) s = f32x4.div(s, f32x4.splat(count));
          v128.store(y + (<usize>i << 2), s);
        }
        for (; i < c; i++) {
          let s: f32 = 0;
          for (let dy = dyLo; dy < dyHi; dy++) {
            for (let dx = dxLo; dx < dxHi; dx++) {
              s += load<f32>(image + <usize>((iy0 + dy) * g.inW + ix0 + dx) * pixelBytes + (<usize>i << 2));
            }
          }
          if (average) s = s / count;
          store<f32>(y + (<usize>i << 2), s);
        }
        y += pixelBytes;
      }
    }
  }
}
