// im2col: the rows of a convolution's patch matrix, one output position per row, the kH·kW·inC
// input values under its window in (dy, dx, c) order and +0 where the window lies on padding.
// In NHWC the values of one window row (fixed dy, kW columns × inC channels) are contiguous in x,
// so each is one block copy.
import { Window, endInside, firstInside } from './window';

/** Writes patch rows row0 .. row0+rows-1 (rows × patchSize floats) to dst. */
export function im2colRows(x: usize, g: Window, row0: i32, rows: i32, dst: usize): void {
  const c = g.inC;
  const rowBytes = <usize>(g.kW * c) << 2;
  const pixelBytes = <usize>c << 2;
  let ox = row0 % g.outW;
  let oy = (row0 / g.outW) % g.outH;
  let n = row0 / (g.outW * g.outH);
  for (let r = 0; r < rows; r++) {
    const iy0 = oy * g.strideH - g.padTop;
    const ix0 = ox * g.strideW - g.padLeft;
    const dxLo = min(firstInside(ix0), g.kW);
    const dxHi = max(endInside(ix0, g.kW, g.inW), dxLo);
    const image = x + (<usize>n * g.inH * g.inW << 2) * c;
    for (let dy = 0; dy < g.kH; dy++) {
      const iy = iy0 + dy;
      if (iy < 0 || iy >= g.inH || dxHi == dxLo) {
        memory.fill(dst, 0, rowBytes);
      } else {
        const before = <usize>dxLo * pixelBytes;
        const inside = <usize>(dxHi - dxLo) * pixelBytes;
        if (before) memory.fill(dst, 0, before);
        memory.copy(dst + before, image + (<usize>(iy * g.inW + ix0 + dxLo) * pixelBytes), inside);
        if (before + inside < rowBytes) memory.fill(dst + before + inside, 0, rowBytes - before - inside);
      }
      dst += rowBytes;
    }
    // next output position, row-major
    if (++ox == g.outW) {
      ox = 0;
      if (++oy == g.outH) {
        oy = 0;
        n++;
      }
    }
  }
}
