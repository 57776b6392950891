// col2im: the transpose of im2col. Every value of a patch row is added back into the input
// element it was copied from (values on padding are dropped). Rows in order, and within a row
// (dy, dx, c) in order, so each input element sums its contributions in one fixed order.
// Within one window row the targets are distinct and contiguous: the f32x4 body and the scalar
// tail add element by element, with the same bits.
import { Window, endInside, firstInside } from './window';

/** dx += patch rows row0 .. row0+rows-1 at src (rows × patchSize floats), scattered back. */
export function col2imRows(src: usize, g: Window, row0: i32, rows: i32, dx: usize): void {
  const c = g.inC;
  const rowFloats = g.kW * c;
  let ox = row0 % g.outW;
  let oy = (row0 / g.outW) % g.outH;
  let n = row0 / (g.outW * g.outH);
  for (let r = 0; r < rows; r++) {
    const iy0 = oy * g.strideH - g.padTop;
    const ix0 = ox * g.strideW - g.padLeft;
    const dxLo = min(firstInside(ix0), g.kW);
    const dxHi = max(endInside(ix0, g.kW, g.inW), dxLo);
    const count = (dxHi - dxLo) * c;
    const image = dx + (<usize>n * g.inH * g.inW << 2) * c;
    for (let dy = 0; dy < g.kH; dy++) {
      const iy = iy0 + dy;
      if (iy >= 0 && iy < g.inH && count > 0) {
        const s = src + (<usize>(dxLo * c) << 2);
        const d = image + (<usize>((iy * g.inW + ix0 + dxLo) * c) << 2);
        let i = 0;
        for (; i + 4 <= count; i += 4) {
          const o: usize = <usize>i << 2;
          v128.store(d + o, f32x4.add(v128.load(d + o), v128.load(s + o)));
        }
        for (; i < count; i++) {
          const o: usize = <usize>i << 2;
          store<f32>(d + o, load<f32>(d + o) + load<f32>(s + o));
        }
      }
      src += <usize>rowFloats << 2;
    }
    if (++ox == g.outW) {
      ox = 0;
      if (++oy == g.outH) {
        oy = 0;
        n++;
      }
    }
  }
}
