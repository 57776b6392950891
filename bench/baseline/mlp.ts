// The plain-JS yardstick for the autodiff: a ReLU MLP with log-softmax cross-entropy, its
// gradient, and its exact Hessian-vector product, derived by hand (forward-over-reverse) and
// written as straightforward Float32Array loops on the baseline matmuls. Layers are [W, b] with
// W [in, out]; y is one-hot. Same algorithm as the wasm path, none of its kernels.
import { matmulAB, matmulABt, matmulAtB } from './matmul.js';

export type Layer = [Float32Array, Float32Array];

interface Shapes {
  sizes: number[];
  batch: number;
}

export function addBias(z: Float32Array, b: Float32Array, m: number, n: number): void {
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) z[i * n + j] += b[j];
}

export function colSum(g: Float32Array, m: number, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j] += g[i * n + j];
  return out;
}

export function addInto(out: Float32Array, a: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] += a[i];
}

/**
 * Log-softmax cross-entropy of logits [m, n] against one-hot y, averaged over rows: the loss, its
 * gradient g = (p - y)/m and, when the logits have a tangent ż, ġ = p ⊙ (ż - Σ p ż)/m.
 */
export function softmaxCrossEntropy(
  logits: Float32Array, zDot: Float32Array | null, y: Float32Array, m: number, n: number,
): { loss: number; g: Float32Array; gDot: Float32Array | null } {
  const g = new Float32Array(m * n);
  const gDot = zDot ? new Float32Array(m * n) : null;
  let loss = 0;
  for (let i = 0; i < m; i++) {
    let mx = -Infinity;
    for (let j = 0; j < n; j++) mx = Math.max(mx, logits[i * n + j]);
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.exp(logits[i * n + j] - mx);
    const lse = Math.log(s) + mx;
    let pz = 0;
    for (let j = 0; j < n; j++) {
      const p = Math.exp(logits[i * n + j] - lse);
      loss -= (y[i * n + j] * (logits[i * n + j] - lse)) / m;
      g[i * n + j] = (p - y[i * n + j]) / m;
      if (zDot) pz += p * zDot[i * n + j];
    }
    if (gDot && zDot) {
      for (let j = 0; j < n; j++) {
        const p = Math.exp(logits[i * n + j] - lse);
        gDot[i * n + j] = (p * (zDot[i * n + j] - pz)) / m;
      }
    }
  }
  return { loss, g, gDot };
}

/**
 * Loss, gradient and (when `v` is given) H·v. Returns per layer [dW, db] and [HvW, Hvb].
 */
export function mlpGradHvp(
  params: Layer[],
  x: Float32Array,
  y: Float32Array,
  { sizes, batch: m }: Shapes,
  v: Layer[] | null,
): { loss: number; grad: Layer[]; hvp: Layer[] | null } {
  const L = params.length;
  // forward with tangents: a[l] activations, z[l] pre-activations
  const a: Float32Array[] = [x];
  const aDot: (Float32Array | null)[] = [null];
  const z: Float32Array[] = [];
  for (let l = 0; l < L; l++) {
    const [k, n] = [sizes[l], sizes[l + 1]];
    const [w, b] = params[l];
    const zl = new Float32Array(m * n);
    matmulAB(a[l], w, zl, m, k, n);
    addBias(zl, b, m, n);
    z.push(zl);
    let zDot: Float32Array | null = null;
    if (v) {
      // ż = ȧ·W + a·V + c
      zDot = new Float32Array(m * n);
      matmulAB(a[l], v[l][0], zDot, m, k, n);
      addBias(zDot, v[l][1], m, n);
      if (aDot[l]) {
        const t = new Float32Array(m * n);
        matmulAB(aDot[l]!, w, t, m, k, n);
        addInto(zDot, t);
      }
    }
    if (l < L - 1) {
      const al = zl.map((q) => (q > 0 ? q : 0));
      a.push(al);
      aDot.push(zDot ? zDot.map((q, i) => (zl[i] > 0 ? q : 0)) : null);
    } else {
      aDot.push(zDot);
    }
  }
  const n = sizes[L];
  const { loss, g, gDot } = softmaxCrossEntropy(z[L - 1], aDot[L], y, m, n);
  // reverse sweep with tangents
  const grad: Layer[] = new Array(L);
  const hvp: Layer[] | null = v ? new Array(L) : null;
  let gl = g;
  let gDotl = gDot;
  for (let l = L - 1; l >= 0; l--) {
    const [k, nl] = [sizes[l], sizes[l + 1]];
    const [w] = params[l];
    const dW = new Float32Array(k * nl);
    matmulAtB(a[l], gl, dW, k, m, nl);
    grad[l] = [dW, colSum(gl, m, nl)];
    if (hvp && gDotl) {
      // Ẇ̄ = ȧᵀ·g + aᵀ·ġ ; ḃ̄ = Σ ġ
      const hW = new Float32Array(k * nl);
      matmulAtB(a[l], gDotl, hW, k, m, nl);
      if (aDot[l]) {
        const t = new Float32Array(k * nl);
        matmulAtB(aDot[l]!, gl, t, k, m, nl);
        addInto(hW, t);
      }
      hvp[l] = [hW, colSum(gDotl, m, nl)];
    }
    if (l === 0) break;
    // ā = g·Wᵀ ; ǡ = ġ·Wᵀ + g·Vᵀ ; through the ReLU mask of z[l-1]
    const ga = new Float32Array(m * k);
    matmulABt(gl, w, ga, m, nl, k);
    let gaDot: Float32Array | null = null;
    if (v && gDotl) {
      gaDot = new Float32Array(m * k);
      matmulABt(gDotl, w, gaDot, m, nl, k);
      const t = new Float32Array(m * k);
      matmulABt(gl, v[l][0], t, m, nl, k);
      addInto(gaDot, t);
    }
    const zPrev = z[l - 1];
    gl = ga.map((q, i) => (zPrev[i] > 0 ? q : 0));
    gDotl = gaDot ? gaDot.map((q, i) => (zPrev[i] > 0 ? q : 0)) : null;
  }
  return { loss, grad, hvp };
}
