// The transpose of sum (and average) pooling: every output's cotangent is added to each
// non-padding input of its window (divided first by the window's count for the average).
// Outputs in row-major order, window positions in row-major order: each input element sums its
// contributions in one fixed order. The f32x4 body and the scalar tail agree per channel.
import { Window, advance, dxHi, dxLo, dyHi, dyLo, inputIndex, insideCount, outputRows, seek } from './window';

/** dx += sumPoolᵀ(dy) (average != 0: each dy divided by its window's count first). */
export function sumPoolTranspose(dy: usize, dx: usize, geometry: usize, average: i32): void {
  const g = changetype<Window>(geometry);
  const c = g.inC;
  const total = outputRows(g);
  seek(g, 0);
  for (let r = 0; r < total; r++) {
    const count = <f32>insideCount();
    let i = 0;
    for (; i + 4 <= c; i += 4) {
      let v = v128.load(dy + (<usize>i << 2));
      if (average) v = f32x4.div(v, f32x4.splat(count));
      for (let wy = dyLo; wy < dyHi; wy++) {
        for (let wx = dxLo; wx < dxHi; wx++) {
          const p = dx + (<usize>(inputIndex(g, wy, wx) + i) << 2);
          v128.store(p, f32x4.add(v128.load(p), v));
        }
      }
    }
    for (; i < c; i++) {
      let v = load<f32>(dy + (<usize>i << 2));
      if (average) v = v / count;
      for (let wy = dyLo; wy < dyHi; wy++) {
        for (let wx = dxLo; wx < dxHi; wx++) {
          const p = dx + (<usize>(inputIndex(g, wy, wx) + i) << 2);
          store<f32>(p, load<f32>(p) + v);
        }
      }
    }
    dy += <usize>c << 2;
    advance(g);
  }
}
