// The plain-JS yardstick for the CNN: Conv(3×3, VALID) → ReLU → MaxPool 2×2/2 → Conv(3×3, VALID)
// → ReLU → MaxPool 2×2/2 → Flatten → Dense → log-softmax cross-entropy, with its gradient and
// exact Hessian-vector product derived by hand (forward-over-reverse), in Float32Array loops on
// the baseline matmuls. Same algorithm as the wasm path (im2col + matmul, col2im, the recorded
// argmax of each window), none of its kernels. x NHWC, kernels HWIO, dense W [in, out].
import { matmulAB, matmulABt, matmulAtB } from './matmul.js';
import { addBias, addInto, colSum, softmaxCrossEntropy } from './mlp.js';

/** [kernel1, bias1, kernel2, bias2, W, b], the parameters' order of the model. */
export type CnnParams = Float32Array[];

/** A VALID, stride-1 convolution of [n, h, w, c] by [kh, kw, c, o]. */
interface Conv {
  n: number; h: number; w: number; c: number; kh: number; kw: number; o: number; oh: number; ow: number;
}

const conv = (n: number, h: number, w: number, c: number, k: number, o: number): Conv =>
  ({ n, h, w, c, kh: k, kw: k, o, oh: h - k + 1, ow: w - k + 1 });
const rows = (g: Conv) => g.n * g.oh * g.ow;
const patch = (g: Conv) => g.kh * g.kw * g.c;

/** The patch matrix [rows, kh·kw·c]: one output position per row, (dy, dx, c) order. */
function im2col(x: Float32Array, g: Conv): Float32Array {
  const p = new Float32Array(rows(g) * patch(g));
  let o = 0;
  for (let n = 0; n < g.n; n++)
    for (let oy = 0; oy < g.oh; oy++)
      for (let ox = 0; ox < g.ow; ox++)
        for (let dy = 0; dy < g.kh; dy++) {
          const src = ((n * g.h + oy + dy) * g.w + ox) * g.c;
          for (let i = 0; i < g.kw * g.c; i++) p[o++] = x[src + i];
        }
  return p;
}

/** The transpose of im2col: patch values added back into an [n, h, w, c] array. */
function col2im(p: Float32Array, g: Conv): Float32Array {
  const x = new Float32Array(g.n * g.h * g.w * g.c);
  let o = 0;
  for (let n = 0; n < g.n; n++)
    for (let oy = 0; oy < g.oh; oy++)
      for (let ox = 0; ox < g.ow; ox++)
        for (let dy = 0; dy < g.kh; dy++) {
          const dst = ((n * g.h + oy + dy) * g.w + ox) * g.c;
          for (let i = 0; i < g.kw * g.c; i++) x[dst + i] += p[o++];
        }
  return x;
}

/** P·K (+ bias), [rows, o]. */
function product(p: Float32Array, k: Float32Array, g: Conv, bias: Float32Array | null): Float32Array {
  const z = new Float32Array(rows(g) * g.o);
  matmulAB(p, k, z, rows(g), patch(g), g.o);
  if (bias) addBias(z, bias, rows(g), g.o);
  return z;
}

/** 2×2 max pooling, stride 2, of [n, h, w, c]; arg holds the flat index of each window's first maximum. */
function maxPool(x: Float32Array, n: number, h: number, w: number, c: number) {
  const oh = h >> 1;
  const ow = w >> 1;
  const y = new Float32Array(n * oh * ow * c);
  const arg = new Int32Array(y.length);
  let o = 0;
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ch = 0; ch < c; ch++, o++) {
          let best = -1;
          for (let dy = 0; dy < 2; dy++)
            for (let dx = 0; dx < 2; dx++) {
              const i = ((b * h + 2 * oy + dy) * w + 2 * ox + dx) * c + ch;
              if (best < 0 || x[i] > x[best]) best = i;
            }
          y[o] = x[best];
          arg[o] = best;
        }
  return { y, arg, oh, ow };
}

const gather = (t: Float32Array, arg: Int32Array) => Float32Array.from(arg, (i) => t[i]);
function scatter(g: Float32Array, arg: Int32Array, size: number): Float32Array {
  const out = new Float32Array(size);
  for (let o = 0; o < arg.length; o++) out[arg[o]] += g[o];
  return out;
}
const relu = (z: Float32Array) => z.map((q) => (q > 0 ? q : 0));
const masked = (t: Float32Array, z: Float32Array) => t.map((q, i) => (z[i] > 0 ? q : 0));
function sum2(a: Float32Array, b: Float32Array | null): Float32Array {
  if (b) addInto(a, b);
  return a;
}
function matmulAtBNew(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const c = new Float32Array(m * n);
  matmulAtB(a, b, c, m, k, n);
  return c;
}
function matmulABtNew(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const c = new Float32Array(m * n);
  matmulABt(a, b, c, m, k, n);
  return c;
}

export interface CnnShape {
  batch: number;
  size: number; // input height = width
  channels: [number, number]; // the two convolutions' output channels
  classes: number;
}

/**
 * Loss, and (`backward`) the gradient, and (with `v`, a tangent per parameter) H·v, of the CNN at
 * x [batch, size, size, 1] against one-hot y.
 */
export function cnnGradHvp(
  params: CnnParams, x: Float32Array, y: Float32Array, s: CnnShape, backward: boolean, v: CnnParams | null,
): { loss: number; grad: CnnParams | null; hvp: CnnParams | null } {
  const [k1, b1, k2, b2, w, b] = params;
  const m = s.batch;
  // layer 1 (the input is constant: no tangent, no input gradient)
  const g1 = conv(m, s.size, s.size, 1, 3, s.channels[0]);
  const p1 = im2col(x, g1);
  const z1 = product(p1, k1, g1, b1);
  const z1Dot = v ? product(p1, v[0], g1, v[1]) : null;
  const a1 = relu(z1);
  const pool1 = maxPool(a1, m, g1.oh, g1.ow, g1.o);
  const q1Dot = z1Dot ? gather(masked(z1Dot, z1), pool1.arg) : null;
  // layer 2
  const g2 = conv(m, pool1.oh, pool1.ow, g1.o, 3, s.channels[1]);
  const p2 = im2col(pool1.y, g2);
  const p2Dot = q1Dot ? im2col(q1Dot, g2) : null;
  const z2 = product(p2, k2, g2, b2);
  const z2Dot = v && p2Dot ? sum2(product(p2Dot, k2, g2, v[3]), product(p2, v[2], g2, null)) : null;
  const a2 = relu(z2);
  const pool2 = maxPool(a2, m, g2.oh, g2.ow, g2.o);
  const f = pool2.y;
  const fDot = z2Dot ? gather(masked(z2Dot, z2), pool2.arg) : null;
  // dense head
  const nIn = f.length / m;
  const logits = new Float32Array(m * s.classes);
  matmulAB(f, w, logits, m, nIn, s.classes);
  addBias(logits, b, m, s.classes);
  let lDot: Float32Array | null = null;
  if (v && fDot) {
    lDot = new Float32Array(m * s.classes);
    matmulAB(fDot, w, lDot, m, nIn, s.classes);
    const t = new Float32Array(m * s.classes);
    matmulAB(f, v[4], t, m, nIn, s.classes);
    addInto(lDot, t);
    addBias(lDot, v[5], m, s.classes);
  }
  const { loss, g, gDot } = softmaxCrossEntropy(logits, lDot, y, m, s.classes);
  if (!backward) return { loss, grad: null, hvp: null };

  // reverse sweep with tangents
  const c = s.classes;
  const wBar = matmulAtBNew(f, g, nIn, m, c);
  const fBar = matmulABtNew(g, w, m, c, nIn);
  const wBarDot = gDot && fDot ? sum2(matmulAtBNew(fDot, g, nIn, m, c), matmulAtBNew(f, gDot, nIn, m, c)) : null;
  const fBarDot = gDot && v ? sum2(matmulABtNew(gDot, w, m, c, nIn), matmulABtNew(g, v[4], m, c, nIn)) : null;

  const z2Bar = masked(scatter(fBar, pool2.arg, a2.length), z2);
  const z2BarDot = fBarDot ? masked(scatter(fBarDot, pool2.arg, a2.length), z2) : null;
  const k2Bar = matmulAtBNew(p2, z2Bar, patch(g2), rows(g2), g2.o);
  const k2BarDot = z2BarDot && p2Dot
    ? sum2(matmulAtBNew(p2Dot, z2Bar, patch(g2), rows(g2), g2.o), matmulAtBNew(p2, z2BarDot, patch(g2), rows(g2), g2.o))
    : null;
  const q1Bar = col2im(matmulABtNew(z2Bar, k2, rows(g2), g2.o, patch(g2)), g2);
  const q1BarDot = z2BarDot && v
    ? col2im(sum2(matmulABtNew(z2BarDot, k2, rows(g2), g2.o, patch(g2)), matmulABtNew(z2Bar, v[2], rows(g2), g2.o, patch(g2))), g2)
    : null;

  const z1Bar = masked(scatter(q1Bar, pool1.arg, a1.length), z1);
  const z1BarDot = q1BarDot ? masked(scatter(q1BarDot, pool1.arg, a1.length), z1) : null;
  const k1Bar = matmulAtBNew(p1, z1Bar, patch(g1), rows(g1), g1.o);
  const grad = [k1Bar, colSum(z1Bar, rows(g1), g1.o), k2Bar, colSum(z2Bar, rows(g2), g2.o), wBar, colSum(g, m, c)];
  if (!v || !z1BarDot || !k2BarDot || !z2BarDot || !wBarDot || !gDot) return { loss, grad, hvp: null };
  const hvp = [
    matmulAtBNew(p1, z1BarDot, patch(g1), rows(g1), g1.o), colSum(z1BarDot, rows(g1), g1.o),
    k2BarDot, colSum(z2BarDot, rows(g2), g2.o),
    wBarDot, colSum(gDot, m, c),
  ];
  return { loss, grad, hvp };
}
