// Kernels of assembly/conv: convolution forward, input gradient and kernel gradient, SIMD and
// scalar paths against direct loops written here from the documented summation orders, bit for
// bit, on edge shapes (1×1 kernels, kernel = input, stride > kernel, odd SAME totals,
// rectangular, several row blocks); pooling and its transposes against direct loops; known
// answers; and no write past any output.
import { conv2d, conv2dInputGrad, conv2dKernelGrad, gatherAt, maxPool, maxPoolRows, scatterAddRuns, sumPool, sumPoolTranspose } from '../conv/index';
import { convScratchBytes, sumRows } from '../conv/blocks';
import { CONV_ACCUMULATE, CONV_SCALAR } from '../conv/flags';
import { Window } from '../conv/window';

import { floats, get, randomFloats, set } from './helpers/floats';

/** A Window in memory; out sizes from the padded input (pads: top, bottom, left, right). */
function window(
  batch: i32, inH: i32, inW: i32, inC: i32, kH: i32, kW: i32, outC: i32,
  sH: i32, sW: i32, pt: i32, pb: i32, pl: i32, pr: i32,
): Window {
  const g = changetype<Window>(heap.alloc(13 * 4));
  g.batch = batch; g.inH = inH; g.inW = inW; g.inC = inC; g.kH = kH; g.kW = kW; g.outC = outC;
  g.strideH = sH; g.strideW = sW; g.padTop = pt; g.padLeft = pl;
  g.outH = (inH + pt + pb - kH) / sH + 1;
  g.outW = (inW + pl + pr - kW) / sW + 1;
  return g;
}
function xSize(g: Window): i32 { return g.batch * g.inH * g.inW * g.inC; }
function kSize(g: Window): i32 { return g.kH * g.kW * g.inC * g.outC; }
function ySize(g: Window, channels: i32): i32 { return g.batch * g.outH * g.outW * channels; }

/** Input element of (n, oy, ox) at window offset (dy, dx), channel c; -1 on padding. */
function inputAt(g: Window, n: i32, oy: i32, ox: i32, dy: i32, dx: i32, c: i32): i32 {
  const iy = oy * g.strideH - g.padTop + dy;
  const ix = ox * g.strideW - g.padLeft + dx;
  if (iy < 0 || iy >= g.inH || ix < 0 || ix >= g.inW) return -1;
  return ((n * g.inH + iy) * g.inW + ix) * g.inC + c;
}
function rowCount(g: Window): i32 { return g.batch * g.outH * g.outW; }
/** Input element of output row r at patch index q = (dy, dx, c); -1 on padding. */
function patchAt(g: Window, r: i32, q: i32): i32 {
  const ox = r % g.outW, oy = (r / g.outW) % g.outH, n = r / (g.outW * g.outH);
  const c = q % g.inC, dx = (q / g.inC) % g.kW, dy = q / (g.inC * g.kW);
  return inputAt(g, n, oy, ox, dy, dx, c);
}
function patch(x: usize, g: Window, r: i32, q: i32): f32 {
  const i = patchAt(g, r, q);
  return i < 0 ? 0 : get(x, i);
}

// ---- direct loops in the kernels' documented orders -------------------------------------------

function naiveConv(x: usize, k: usize, y: usize, g: Window): void {
  const K = g.kH * g.kW * g.inC;
  for (let r = 0; r < rowCount(g); r++) {
    for (let o = 0; o < g.outC; o++) {
      let s: f32 = 0;
      for (let q = 0; q < K; q++) s = s + patch(x, g, r, q) * get(k, q * g.outC + o);
      set(y, r * g.outC + o, s);
    }
  }
}

function naiveInputGrad(dy: usize, k: usize, dx: usize, g: Window): void {
  const K = g.kH * g.kW * g.inC;
  for (let r = 0; r < rowCount(g); r++) {
    for (let q = 0; q < K; q++) {
      let s: f32 = 0;
      for (let o = 0; o < g.outC; o++) s = s + get(dy, r * g.outC + o) * get(k, q * g.outC + o);
      const i = patchAt(g, r, q);
      if (i >= 0) set(dx, i, get(dx, i) + s);
    }
  }
}

function naiveKernelGrad(x: usize, dy: usize, dk: usize, g: Window): void {
  const K = g.kH * g.kW * g.inC;
  const block = sumRows(g);
  for (let r0 = 0; r0 < rowCount(g); r0 += block) {
    for (let q = 0; q < K; q++) {
      for (let o = 0; o < g.outC; o++) {
        let s: f32 = 0;
        for (let r = r0; r < min(r0 + block, rowCount(g)); r++) s = s + patch(x, g, r, q) * get(dy, r * g.outC + o);
        set(dk, q * g.outC + o, r0 == 0 ? s : get(dk, q * g.outC + o) + s);
      }
    }
  }
}

const GUARD = 8;
const SENTINEL: f32 = -12345.5;

/** n floats from src (or zeros) followed by GUARD sentinels. */
function guarded(n: i32, src: usize): usize {
  const p = floats(n + GUARD);
  for (let i = 0; i < n + GUARD; i++) set(p, i, i < n ? (src ? get(src, i) : 0) : SENTINEL);
  return p;
}
/** Elements (or guard floats) whose bits differ. */
function differences(a: usize, b: usize, n: i32): i32 {
  let bad = 0;
  for (let i = 0; i < n + GUARD; i++) if (load<u32>(a + (<usize>i << 2)) != load<u32>(b + (<usize>i << 2))) bad++;
  return bad;
}

/** The three convolution kernels, SIMD and scalar, against the direct loops: differing elements. */
function convMismatches(g: Window): i32 {
  const geometry = changetype<usize>(g);
  const x = randomFloats(xSize(g));
  const k = randomFloats(kSize(g));
  const dy = randomFloats(ySize(g, g.outC));
  const scratch = heap.alloc(<usize>convScratchBytes(geometry));
  let bad = 0;
  const yWant = guarded(ySize(g, g.outC), 0);
  naiveConv(x, k, yWant, g);
  const start = randomFloats(xSize(g)); // dx accumulates into whatever is there
  const dxWant = guarded(xSize(g), start);
  naiveInputGrad(dy, k, dxWant, g);
  const dkWant = guarded(kSize(g), 0);
  naiveKernelGrad(x, dy, dkWant, g);
  for (let path = 0; path < 2; path++) {
    const flags = path == 0 ? 0 : CONV_SCALAR;
    const y = guarded(ySize(g, g.outC), 0);
    conv2d(x, k, y, geometry, flags, scratch);
    bad += differences(y, yWant, ySize(g, g.outC));
    const dx = guarded(xSize(g), start);
    conv2dInputGrad(dy, k, dx, geometry, flags, scratch);
    bad += differences(dx, dxWant, xSize(g));
    const dk = guarded(kSize(g), 0);
    conv2dKernelGrad(x, dy, dk, geometry, flags, scratch);
    bad += differences(dk, dkWant, kSize(g));
  }
  return bad;
}

// x = 1..9 as a 3×3 image, a 2×2 kernel of ones: each output sums a window
const known = window(1, 3, 3, 1, 2, 2, 1, 1, 1, 0, 1, 0, 1); // SAME: total 1, padded after
const image = floats(9);
for (let i = 0; i < 9; i++) set(image, i, <f32>(i + 1));
const ones = floats(9);
for (let i = 0; i < 9; i++) set(ones, i, 1);
const knownScratch = heap.alloc(<usize>convScratchBytes(changetype<usize>(known)));

describe('conv2d, known answer', () => {

  it('sums each window, the extra row and column of padding after', () => {
    const y = floats(9);
    conv2d(image, ones, y, changetype<usize>(known), 0, knownScratch);
    const want: f32[] = [12, 16, 9, 24, 28, 15, 15, 17, 9];
    for (let i = 0; i < 9; i++) expect<f32>(get(y, i)).toBe(want[i]);
    conv2d(image, ones, y, changetype<usize>(known), CONV_ACCUMULATE, knownScratch);
    for (let i = 0; i < 9; i++) expect<f32>(get(y, i)).toBe(2 * want[i]);
  });

  it('input gradient of ones: how many windows see each input; kernel gradient: window sums', () => {
    const dx = floats(9);
    for (let i = 0; i < 9; i++) set(dx, i, 0);
    conv2dInputGrad(ones, ones, dx, changetype<usize>(known), 0, knownScratch);
    const seen: f32[] = [1, 2, 2, 2, 4, 4, 2, 4, 4];
    for (let i = 0; i < 9; i++) expect<f32>(get(dx, i)).toBe(seen[i]);
    const dk = floats(4);
    conv2dKernelGrad(image, ones, dk, changetype<usize>(known), 0, knownScratch);
    // offset (dy, dx) sums x over rows ≥ dy and columns ≥ dx: 45, 45 - (1+4+7), 45 - (1+2+3), 5+6+8+9
    expect<f32>(get(dk, 0)).toBe(45);
    expect<f32>(get(dk, 1)).toBe(33);
    expect<f32>(get(dk, 2)).toBe(39);
    expect<f32>(get(dk, 3)).toBe(28);
  });
});

describe('conv2d kernels, SIMD = scalar = the documented order, bit for bit', () => {
  it('rectangular kernel, VALID', () => {
    expect<i32>(convMismatches(window(2, 5, 4, 3, 3, 2, 4, 1, 1, 0, 0, 0, 0))).toBe(0);
  });
  it('SAME with odd totals (padding after), strides 2×1', () => {
    expect<i32>(convMismatches(window(1, 6, 5, 2, 3, 3, 3, 2, 1, 0, 1, 1, 1))).toBe(0);
    expect<i32>(convMismatches(window(2, 4, 4, 1, 2, 2, 2, 1, 1, 0, 1, 0, 1))).toBe(0);
  });
  it('1×1 kernel', () => {
    expect<i32>(convMismatches(window(2, 3, 3, 5, 1, 1, 7, 1, 1, 0, 0, 0, 0))).toBe(0);
  });
  it('kernel = input (one output position)', () => {
    expect<i32>(convMismatches(window(1, 3, 4, 3, 3, 4, 2, 1, 1, 0, 0, 0, 0))).toBe(0);
  });
  it('stride > kernel (inputs no window sees)', () => {
    expect<i32>(convMismatches(window(1, 7, 5, 2, 2, 2, 3, 3, 3, 0, 0, 0, 0))).toBe(0);
  });
  it('explicit asymmetric padding', () => {
    expect<i32>(convMismatches(window(1, 5, 6, 2, 2, 3, 2, 2, 2, 1, 0, 2, 1))).toBe(0);
  });
  it('several row blocks, channel counts that are not multiples of 4', () => {
    const g = window(2, 12, 11, 64, 3, 3, 20, 1, 1, 0, 0, 0, 0);
    expect<bool>(sumRows(g) < rowCount(g)).toBe(true);
    expect<i32>(convMismatches(g)).toBe(0);
    expect<i32>(convMismatches(window(1, 9, 9, 5, 3, 3, 13, 1, 2, 1, 1, 1, 1))).toBe(0);
  });
});

// ---- pooling ------------------------------------------------------------------------------------

/** Input element under window position w (row-major) of output element o (channel last); -1 on padding. */
function pooledInput(g: Window, o: i32, w: i32): i32 {
  const r = o / g.inC;
  const ox = r % g.outW, oy = (r / g.outW) % g.outH, n = r / (g.outW * g.outH);
  return inputAt(g, n, oy, ox, w / g.kW, w % g.kW, o % g.inC);
}

/** Sum/average pooling, its transpose, max pooling and its selection, against direct loops. */
function poolMismatches(g: Window): i32 {
  const geometry = changetype<usize>(g);
  const c = g.inC;
  const nx = xSize(g), ny = ySize(g, c);
  const x = randomFloats(nx);
  const dy = randomFloats(ny);
  const start = randomFloats(nx);
  let bad = 0;
  for (let average = 0; average < 2; average++) {
    const yWant = guarded(ny, 0);
    const dxWant = guarded(nx, start);
    for (let o = 0; o < ny; o++) {
      let s: f32 = 0;
      let count = 0;
      for (let w = 0; w < g.kH * g.kW; w++) {
        const i = pooledInput(g, o, w);
        if (i >= 0) { s = s + get(x, i); count++; }
      }
      set(yWant, o, average ? s / <f32>count : s);
      const v = average ? get(dy, o) / <f32>count : get(dy, o);
      for (let w = 0; w < g.kH * g.kW; w++) {
        const i = pooledInput(g, o, w);
        if (i >= 0) set(dxWant, i, get(dxWant, i) + v);
      }
    }
    const y = guarded(ny, 0);
    sumPool(x, y, geometry, average);
    bad += differences(y, yWant, ny);
    const dx = guarded(nx, start);
    sumPoolTranspose(dy, dx, geometry, average);
    bad += differences(dx, dxWant, nx);
  }
  // max pooling: the first maximum (strictly greater replaces), NaN wins
  const yWant = guarded(ny, 0);
  const dxWant = guarded(nx, start);
  const tWant = guarded(ny, 0);
  for (let o = 0; o < ny; o++) {
    let at = -1;
    for (let w = 0; w < g.kH * g.kW; w++) {
      const i = pooledInput(g, o, w);
      if (i < 0) continue;
      const v = get(x, i);
      if (at < 0 || v > get(x, at) || (isNaN(v) && !isNaN(get(x, at)))) at = i;
    }
    set(yWant, o, at < 0 ? -Infinity : get(x, at));
    set(tWant, o, at < 0 ? 0 : get(start, at));
    if (at >= 0) set(dxWant, at, get(dxWant, at) + get(dy, o));
  }
  const y = guarded(ny, 0);
  const index = floats(ny);
  maxPool(x, y, index, geometry);
  bad += differences(y, yWant, ny);
  // ranges of output positions (as threads take them) write the same values and indices
  const positions = ny / g.inC;
  const yRows = guarded(ny, 0);
  const indexRows = floats(ny);
  const cuts: i32[] = [0, 1, positions / 2, positions];
  for (let r = 0; r + 1 < cuts.length; r++) maxPoolRows(x, yRows, indexRows, geometry, cuts[r], cuts[r + 1]);
  bad += differences(yRows, yWant, ny);
  for (let i = 0; i < ny; i++) if (load<i32>(indexRows + (<usize>i << 2)) != load<i32>(index + (<usize>i << 2))) bad++;
  const t = guarded(ny, 0);
  gatherAt(start, index, t, ny);
  bad += differences(t, tWant, ny);
  const dx = guarded(nx, start);
  scatterAddRuns(dy, index, dx, g.batch, ny / g.batch); // one run per image
  bad += differences(dx, dxWant, nx);
  return bad;
}

// 2×2 windows over a 2×2 image with two columns of padding on the left: the first output column
// sees padding only, the second the image's first column, the third the whole image
const nanWindow = window(1, 2, 2, 5, 2, 2, 5, 1, 1, 0, 0, 2, 0);
const nanInput = floats(20);
for (let i = 0; i < 20; i++) set(nanInput, i, <f32>i);
set(nanInput, 6, NaN); // channel 1 of pixel (0, 1)
set(nanInput, 19, NaN); // channel 4 of pixel (1, 1)
const nanOut = floats(15);
const nanIndex = floats(15);

describe('pooling kernels against direct loops, bit for bit', () => {
  it('disjoint 2×2 windows, channels 4 + 1 (SIMD body and scalar tail)', () => {
    expect<i32>(poolMismatches(window(2, 4, 6, 5, 2, 2, 5, 2, 2, 0, 0, 0, 0))).toBe(0);
  });
  it('overlapping rectangular windows, stride 1', () => {
    expect<i32>(poolMismatches(window(1, 5, 4, 8, 2, 3, 8, 1, 1, 0, 0, 0, 0))).toBe(0);
  });
  it('SAME with odd totals, explicit padding, stride > window, window = input', () => {
    expect<i32>(poolMismatches(window(2, 5, 5, 6, 3, 2, 6, 2, 1, 1, 1, 0, 1))).toBe(0);
    expect<i32>(poolMismatches(window(1, 4, 5, 3, 2, 3, 3, 1, 2, 1, 0, 2, 1))).toBe(0);
    expect<i32>(poolMismatches(window(1, 7, 7, 4, 2, 2, 4, 3, 3, 0, 0, 0, 0))).toBe(0);
    expect<i32>(poolMismatches(window(2, 3, 4, 6, 3, 4, 6, 1, 1, 0, 0, 0, 0))).toBe(0);
  });
  it('max pooling: NaN wins in the SIMD body and the tail; a window on padding only is -Infinity', () => {
    maxPool(nanInput, nanOut, nanIndex, changetype<usize>(nanWindow));
    const y = nanOut;
    const index = nanIndex;
    expect<f32>(get(y, 0)).toBe(-Infinity);
    expect<i32>(load<i32>(index)).toBe(-1);
    expect<f32>(get(y, 5)).toBe(10); // channel 0 over pixels (0, 0) and (1, 0)
    expect<i32>(load<i32>(index + 20)).toBe(10);
    expect<f32>(get(y, 10)).toBe(15); // channel 0 over the image: 0, 5, 10, 15
    expect<i32>(load<i32>(index + 40)).toBe(15);
    expect<bool>(isNaN(get(y, 11))).toBe(true); // channel 1 (SIMD body)
    expect<i32>(load<i32>(index + 44)).toBe(6);
    expect<bool>(isNaN(get(y, 14))).toBe(true); // channel 4 (scalar tail)
    expect<i32>(load<i32>(index + 56)).toBe(19);
  });
});
