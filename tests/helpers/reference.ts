// A float64 reference for the np/nn ops, written independently of the library (plain loops over
// Float64Array), with the same names and signatures as `np`/`nn`, so a test function can run
// on both: `(L, x) => L.sum(L.tanh(x))` with L = the library or L = this reference.

export class Ref {
  constructor(readonly shape: number[], readonly data: Float64Array) {}
  get size(): number {
    return this.data.length;
  }
}

type R = Ref | number;
type Axis = number | readonly number[] | undefined;

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const asRef = (x: R): Ref => (typeof x === 'number' ? new Ref([], Float64Array.of(x)) : x);

export function ref(data: ArrayLike<number>, shape: readonly number[]): Ref {
  return new Ref([...shape], Float64Array.from(data));
}

function stridesOf(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= shape[i];
  }
  return st;
}

/** index (multi-dim) of flat position i in shape */
function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

function elementwise(a: R, b: R, f: (x: number, y: number) => number): Ref {
  const A = asRef(a);
  const B = asRef(b);
  const nd = Math.max(A.shape.length, B.shape.length);
  const pa = [...Array(nd - A.shape.length).fill(1), ...A.shape];
  const pb = [...Array(nd - B.shape.length).fill(1), ...B.shape];
  const shape = pa.map((d, i) => Math.max(d, pb[i]));
  pa.forEach((d, i) => {
    if ((d !== shape[i] && d !== 1) || (pb[i] !== shape[i] && pb[i] !== 1)) throw new Error('ref: bad broadcast');
  });
  const sa = stridesOf(pa);
  const sb = stridesOf(pb);
  const out = new Float64Array(prod(shape));
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, shape);
    let ia = 0;
    let ib = 0;
    idx.forEach((v, d) => {
      ia += (pa[d] === 1 ? 0 : v) * sa[d];
      ib += (pb[d] === 1 ? 0 : v) * sb[d];
    });
    out[i] = f(A.data[ia], B.data[ib]);
  }
  return new Ref(shape, out);
}

function map(x: R, f: (v: number) => number): Ref {
  const X = asRef(x);
  return new Ref([...X.shape], X.data.map(f));
}

function axesOf(axis: Axis, nd: number): number[] {
  if (axis === undefined) return [...Array(nd).keys()];
  const list = typeof axis === 'number' ? [axis] : [...axis];
  return list.map((a) => (a < 0 ? a + nd : a));
}

function reduce(x: R, axis: Axis, keepdims: boolean, init: number, f: (acc: number, v: number) => number): Ref {
  const X = asRef(x);
  const axes = axesOf(axis, X.shape.length);
  const kept = X.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = new Float64Array(prod(kept)).fill(init);
  const ks = stridesOf(kept);
  for (let i = 0; i < X.size; i++) {
    const idx = unravel(i, X.shape);
    let o = 0;
    idx.forEach((v, d) => (o += (axes.includes(d) ? 0 : v) * ks[d]));
    out[o] = f(out[o], X.data[i]);
  }
  return new Ref(keepdims ? kept : X.shape.filter((_, i) => !axes.includes(i)), out);
}

const sigmoid64 = (v: number) => 1 / (1 + Math.exp(-v));

export const add = (a: R, b: R) => elementwise(a, b, (x, y) => x + y);
export const subtract = (a: R, b: R) => elementwise(a, b, (x, y) => x - y);
export const multiply = (a: R, b: R) => elementwise(a, b, (x, y) => x * y);
export const divide = (a: R, b: R) => elementwise(a, b, (x, y) => x / y);
export const negative = (x: R) => map(x, (v) => -v);
export const square = (x: R) => map(x, (v) => v * v);
export const sqrt = (x: R) => map(x, Math.sqrt);
export const exp = (x: R) => map(x, Math.exp);
export const log = (x: R) => map(x, Math.log);
export const tanh = (x: R) => map(x, Math.tanh);
export const relu = (x: R) => map(x, (v) => (v > 0 ? v : 0));
export const sigmoid = (x: R) => map(x, sigmoid64);
export const softplus = (x: R) => map(x, (v) => Math.log(1 + Math.exp(v)));
export const gelu = (x: R) =>
  map(x, (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))));

export const sum = (x: R, axis?: Axis, keepdims = false) => reduce(x, axis, keepdims, 0, (a, v) => a + v);
export const max = (x: R, axis?: Axis, keepdims = false) => reduce(x, axis, keepdims, -Infinity, Math.max);
export function mean(x: R, axis?: Axis, keepdims = false): Ref {
  const X = asRef(x);
  const s = sum(X, axis, keepdims);
  const count = X.size / s.size;
  return map(s, (v) => v / count);
}

export function reshape(x: Ref, shape: readonly number[]): Ref {
  const free = shape.indexOf(-1);
  const s = [...shape];
  if (free >= 0) s[free] = x.size / prod(shape.filter((d) => d !== -1));
  return new Ref(s, x.data.slice());
}

export function transpose(x: Ref, axes?: readonly number[]): Ref {
  const nd = x.shape.length;
  const perm = axes ? axes.map((a) => (a < 0 ? a + nd : a)) : [...Array(nd).keys()].reverse();
  const shape = perm.map((a) => x.shape[a]);
  const st = stridesOf(x.shape);
  const out = new Float64Array(x.size);
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, shape);
    let src = 0;
    idx.forEach((v, d) => (src += v * st[perm[d]]));
    out[i] = x.data[src];
  }
  return new Ref(shape, out);
}

/** numpy take with 1-D `indices` (negative ones counting from the end). */
export function take(x: Ref, indices: readonly number[], axis?: number): Ref {
  if (axis === undefined) return take(new Ref([x.size], x.data), indices, 0);
  const a = axis < 0 ? axis + x.shape.length : axis;
  const len = x.shape[a];
  const shape = [...x.shape];
  shape[a] = indices.length;
  const st = stridesOf(x.shape);
  const out = new Float64Array(prod(shape));
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, shape);
    const j = indices[idx[a]];
    idx[a] = j < 0 ? j + len : j;
    out[i] = x.data[idx.reduce((o, v, d) => o + v * st[d], 0)];
  }
  return new Ref(shape, out);
}

export function matmul(a: Ref, b: Ref): Ref {
  const A = a.shape.length === 1 ? new Ref([1, a.size], a.data) : a;
  const B = b.shape.length === 1 ? new Ref([b.size, 1], b.data) : b;
  const [m, k] = A.shape;
  const n = B.shape[1];
  if (B.shape[0] !== k) throw new Error('ref: matmul shapes');
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A.data[i * k + p] * B.data[p * n + j];
      out[i * n + j] = s;
    }
  const shape = [...(a.shape.length === 1 ? [] : [m]), ...(b.shape.length === 1 ? [] : [n])];
  return new Ref(shape, out);
}
export const dot = matmul;
export const dense = (x: Ref, w: Ref, b?: Ref) => (b ? add(matmul(x, w), b) : matmul(x, w));

export function logsumexp(x: R, axis?: Axis, keepdims = false): Ref {
  const m = max(x, axis, true);
  const s = sum(exp(subtract(x, m)), axis, true);
  const out = add(log(s), m);
  const X = asRef(x);
  const axes = axesOf(axis, X.shape.length);
  return keepdims ? out : new Ref(X.shape.filter((_, i) => !axes.includes(i)), out.data);
}
export const logSoftmax = (x: Ref, axis: Axis = -1) => subtract(x, logsumexp(x, axis, true));
export const softmax = (x: Ref, axis: Axis = -1) => exp(logSoftmax(x, axis));

/** (x - mean) / sqrt(variance + epsilon), with the two-pass variance mean((x - mean)²). */
export function standardize(x: Ref, axis: Axis = -1, epsilon = 1e-5): Ref {
  const centered = subtract(x, mean(x, axis, true));
  return divide(centered, sqrt(add(mean(square(centered), axis, true), epsilon)));
}

// ---- sliding windows on NHWC (JAX's conventions, written out directly) ----------------------

type Padding = 'VALID' | 'SAME' | readonly [readonly [number, number], readonly [number, number]];
interface WindowOpts {
  strides?: number | readonly [number, number];
  padding?: Padding;
}

/** [outSize, padBefore] of one spatial axis, from XLA's padding rules. */
function axisWindow(size: number, k: number, s: number, padding: Padding, axis: number): [number, number] {
  if (padding === 'SAME') {
    const out = Math.ceil(size / s);
    const total = Math.max((out - 1) * s + k - size, 0);
    return [out, Math.floor(total / 2)];
  }
  const [lo, hi] = padding === 'VALID' ? [0, 0] : padding[axis];
  return [Math.floor((size + lo + hi - k) / s) + 1, lo];
}

/**
 * Calls visit(outIndex, inIndex | -1 for padding, windowPosition) for every output pixel and
 * channel c of `channels` and every window position, in row-major order.
 */
function slide(
  shape: readonly number[], kh: number, kw: number, opts: WindowOpts,
  visit: (n: number, oy: number, ox: number, dy: number, dx: number, inPixel: number) => void,
): [number, number] {
  const [N, H, W] = shape;
  const [sh, sw] = typeof opts.strides === 'number' ? [opts.strides, opts.strides] : (opts.strides ?? [1, 1]);
  const padding = opts.padding ?? 'VALID';
  const [OH, pt] = axisWindow(H, kh, sh, padding, 0);
  const [OW, pl] = axisWindow(W, kw, sw, padding, 1);
  for (let n = 0; n < N; n++)
    for (let oy = 0; oy < OH; oy++)
      for (let ox = 0; ox < OW; ox++)
        for (let dy = 0; dy < kh; dy++)
          for (let dx = 0; dx < kw; dx++) {
            const iy = oy * sh - pt + dy;
            const ix = ox * sw - pl + dx;
            visit(n, oy, ox, dy, dx, iy < 0 || iy >= H || ix < 0 || ix >= W ? -1 : (n * H + iy) * W + ix);
          }
  return [OH, OW];
}

function outShape(shape: readonly number[], kh: number, kw: number, opts: WindowOpts): [number, number] {
  return slide([0, ...shape.slice(1)], kh, kw, opts, () => {});
}

export function conv2d(x: Ref, k: Ref, opts: WindowOpts = {}): Ref {
  const [N, , , C] = x.shape;
  const [kh, kw, , O] = k.shape;
  const [OH, OW] = outShape(x.shape, kh, kw, opts);
  const out = new Float64Array(N * OH * OW * O);
  slide(x.shape, kh, kw, opts, (n, oy, ox, dy, dx, pixel) => {
    if (pixel < 0) return;
    const o0 = ((n * OH + oy) * OW + ox) * O;
    for (let c = 0; c < C; c++)
      for (let o = 0; o < O; o++) out[o0 + o] += x.data[pixel * C + c] * k.data[((dy * kw + dx) * C + c) * O + o];
  });
  return new Ref([N, OH, OW, O], out);
}

function pool(x: Ref, window: number | readonly [number, number], opts: WindowOpts, kind: 'max' | 'sum' | 'avg'): Ref {
  const [kh, kw] = typeof window === 'number' ? [window, window] : window;
  const [N, , , C] = x.shape;
  const [OH, OW] = outShape(x.shape, kh, kw, opts);
  const out = new Float64Array(N * OH * OW * C).fill(kind === 'max' ? -Infinity : 0);
  const count = new Float64Array(N * OH * OW);
  slide(x.shape, kh, kw, opts, (n, oy, ox, _dy, _dx, pixel) => {
    if (pixel < 0) return;
    const o = (n * OH + oy) * OW + ox;
    count[o]++;
    for (let c = 0; c < C; c++) {
      const v = x.data[pixel * C + c];
      out[o * C + c] = kind === 'max' ? Math.max(out[o * C + c], v) : out[o * C + c] + v;
    }
  });
  if (kind === 'avg') out.forEach((v, i) => (out[i] = v / count[Math.floor(i / C)]));
  return new Ref([N, OH, OW, C], out);
}

export const maxPool = (x: Ref, window: number | [number, number], opts: WindowOpts = {}) => pool(x, window, opts, 'max');
export const sumPool = (x: Ref, window: number | [number, number], opts: WindowOpts = {}) => pool(x, window, opts, 'sum');
export const avgPool = (x: Ref, window: number | [number, number], opts: WindowOpts = {}) => pool(x, window, opts, 'avg');
