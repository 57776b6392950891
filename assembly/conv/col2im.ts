// col2im: the transpose of im2col. Every value of a patch row is added back into the input
// element it was copied from (values on padding are dropped). Rows in order, and within a row
// (dy, dx, c) in order, so each input element sums its contributions in one fixed order.
// Within one window row the targets are distinct and contiguous: the f32x4 body and the scalar
// tail add element by element, with the same bits.
import { Window, advance, dxHi, dxLo, dyHi, dyLo, inputIndex, seek } from './window';

/** dx += patch rows row0 .. row0+rows-1 at src (rows × patchSize floats), scattered back. */
export function col2imRows(src: usize, g: Window, row0: i32, rows: i32, dx: usize): void {
  const rowBytes = <usize>(g.kW * g.inC) << 2;
  seek(g, row0);
  for (let r = 0; r < rows; r++) {
    const count = (dxHi - dxLo) * g.inC;
    for (let dy = dyLo; dy < dyHi; dy++) {
      const s = src + <usize>dy * rowBytes + (<usize>(dxLo * g.inC) << 2);
      const d = dx + (<usize>inputIndex(g, dy, dxLo) << 2);
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
    src += <usize>g.kH * rowBytes;
    advance(g);
  }
}
