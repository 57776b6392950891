// The transpose of sum (and average) pooling: every output's cotangent is added to each
// non-padding input of its window (divided first by the window's count for the average).
// Outputs in row-major order, window positions in row-major order: each input element sums its
// contributions in one fixed order. The f32x4 body and the scalar tail agree per channel.
import { Window, endInside, firstInside } from './window';

/** dx += sumPoolᵀ(dy) (average != 0: each dy divided by its window's count first). */
export function sumPoolTranspose(dy: usize, dx: usize, geometry: usize, average: i32): void {
  const g = changetype<Window>(geometry);
  const c = g.inC;
  const pixelBytes = <usize>c << 2;
  for (let n = 0; n < g.batch; n++) {
    const image = dx + <usize>n * g.inH * g.inW * pixelBytes;
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
          let v = v128.load(dy + (<usize>i << 2));
          if (average) v = f32x4.div(v, f32x4.splat(count));
          for (let wy = dyLo; wy < dyHi; wy++) {
            for (let wx = dxLo; wx < dxHi; wx++) {
              const p = image + <usize>((iy0 + wy) * g.inW + ix0 + wx) * pixelBytes + (<usize>i << 2);
              v128.store(p, f32x4.add(v128.load(p), v));
            }
          }
        }
        for (; i < c; i++) {
          let v = load<f32>(dy + (<usize>i << 2));
          if (average) v = v / count;
          for (let wy = dyLo; wy < dyHi; wy++) {
            for (let wx = dxLo; wx < dxHi; wx++) {
              const p = image + <usize>((iy0 + wy) * g.inW + ix0 + wx) * pixelBytes + (<usize>i << 2);
              store<f32>(p, load<f32>(p) + v);
            }
          }
        }
        dy += pixelBytes;
      }
    }
  }
}
