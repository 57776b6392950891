// im2col: the rows of a convolution's patch matrix, one output position per row, the kH·kW·inC
// input values under its window in (dy, dx, c) order and +0 where the window lies on padding.
// In NHWC the values of one window row (fixed dy, kW columns × inC channels) are contiguous in x,
// so each is one block copy.
import { Window, advance, dxHi, dxLo, dyHi, dyLo, inputIndex, seek } from './window';

/** Writes patch rows row0 .. row0+rows-1 (rows × patchSize floats) to dst. */
export function im2colRows(x: usize, g: Window, row0: i32, rows: i32, dst: usize): void {
  const rowBytes = <usize>(g.kW * g.inC) << 2;
  const pixelBytes = <usize>g.inC << 2;
  const inputRowBytes = <usize>g.inW * pixelBytes;
  seek(g, row0);
  for (let r = 0; r < rows; r++) {
    if (dyLo == 0 && dyHi == g.kH && dxLo == 0 && dxHi == g.kW) {
      // the whole window inside the input (most positions): kH runs, no padding to fill
      let src = x + (<usize>inputIndex(g, 0, 0) << 2);
      for (let dy = 0; dy < g.kH; dy++) {
        copyFloats(dst, src, rowBytes);
        dst += rowBytes;
        src += inputRowBytes;
      }
      advance(g);
      continue;
    }
    const before = <usize>dxLo * pixelBytes;
    const inside = <usize>(dxHi - dxLo) * pixelBytes;
    for (let dy = 0; dy < g.kH; dy++) {
      if (dy < dyLo || dy >= dyHi || inside == 0) {
        memory.fill(dst, 0, rowBytes);
      } else {
        if (before) memory.fill(dst, 0, before);
        copyFloats(dst + before, x + (<usize>inputIndex(g, dy, dxLo) << 2), inside);
        if (before + inside < rowBytes) memory.fill(dst + before + inside, 0, rowBytes - before - inside);
      }
      dst += rowBytes;
    }
    advance(g);
  }
}

/** memory.copy, with short runs (a 3-wide window row of 1 channel) copied inline. */
// @ts-ignore: decorator
@inline function copyFloats(dst: usize, src: usize, bytes: usize): void {
  if (bytes > 64) {
    memory.copy(dst, src, bytes);
    return;
  }
  for (let i: usize = 0; i < bytes; i += 4) store<f32>(dst + i, load<f32>(src + i));
}
