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

/** First window offset d (of k) whose input index start + d is ≥ 0. */
// @ts-ignore: decorator
@inline export function firstInside(start: i32): i32 {
  return start < 0 ? -start : 0;
}

/** One past the last window offset d (of k) whose input index start + d is < size. */
// @ts-ignore: decorator
@inline export function endInside(start: i32, k: i32, size: i32): i32 {
  return min(k, size - start);
}
