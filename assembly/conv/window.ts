// The geometry of a sliding-window op (a convolution or a pooling) on NHWC data, as the host
// writes it into linear memory: 13 consecutive i32 in the order of the fields below.
//
// Output position (n, oy, ox) looks at input rows iy = oy*strideH - padTop + dy (dy < kH) and
// columns ix = ox*strideW - padLeft + dx (dx < kW); positions outside the input are padding.
// Output positions are numbered row-major: r = (n*outH + oy)*outW + ox, the rows of a GEMM.
@unmanaged
export class Window {
  batch: i32;
  inH: i32;
  inW: i32;
  inC: i32;
  kH: i32;
  kW: i32;
  /** Output channels (a convolution's O; a pooling keeps inC). */
  outC: i32;
  strideH: i32;
  strideW: i32;
  padTop: i32;
  padLeft: i32;
  outH: i32;
  outW: i32;
}

/** Output positions: the rows of the convolution's GEMM. */
// @ts-ignore: decorator
@inline export function outputRows(g: Window): i32 {
  return g.batch * g.outH * g.outW;
}

/** Values in one patch, (dy, dx, c) row-major: the GEMM's inner dimension. */
// @ts-ignore: decorator
@inline export function patchSize(g: Window): i32 {
  return g.kH * g.kW * g.inC;
}

// A cursor over output positions in row-major order. It lives in module globals (kernels never
// allocate memory): seek(g, r) moves it to output position r, advance(g) to the next one. For the
// current position, the window's input corner is (iy0, ix0) and its non-padding part is offsets
// dy in [dyLo, dyHi) and dx in [dxLo, dxHi) (empty when lo ≥ hi).
export let n = 0;
export let oy = 0;
export let ox = 0;
export let iy0 = 0;
export let ix0 = 0;
export let dyLo = 0;
export let dyHi = 0;
export let dxLo = 0;
export let dxHi = 0;

/** Input element index (in floats) of channel 0 at window offset (dy, dx) of the current position. */
// @ts-ignore: decorator
@inline export function inputIndex(g: Window, dy: i32, dx: i32): i32 {
  return ((n * g.inH + iy0 + dy) * g.inW + ix0 + dx) * g.inC;
}

/** Non-padding positions in the current window. */
// @ts-ignore: decorator
@inline export function insideCount(): i32 {
  return max(dyHi - dyLo, 0) * max(dxHi - dxLo, 0);
}

export function seek(g: Window, r: i32): void {
  ox = r % g.outW;
  oy = (r / g.outW) % g.outH;
  n = r / (g.outW * g.outH);
  settle(g);
}

export function advance(g: Window): void {
  if (++ox == g.outW) {
    ox = 0;
    if (++oy == g.outH) {
      oy = 0;
      n++;
    }
  }
  settle(g);
}

function settle(g: Window): void {
  iy0 = oy * g.strideH - g.padTop;
  ix0 = ox * g.strideW - g.padLeft;
  dyLo = min(iy0 < 0 ? -iy0 : 0, g.kH);
  dyHi = max(min(g.kH, g.inH - iy0), dyLo);
  dxLo = min(ix0 < 0 ? -ix0 : 0, g.kW);
  dxHi = max(min(g.kW, g.inW - ix0), dxLo);
}
