// Plain-TypeScript baselines for the optimizer benchmarks: the same algorithms as the wasm
// kernels, as straightforward loops over Float32Arrays (float64 arithmetic, JS Math).

export interface AdahessianHyperJs {
  stepSize: number;
  b1: number;
  b2: number;
  eps: number;
  weightDecay: number;
  hessianPower: number;
}

/** D for 'last' averaging of a leaf of rank ≤ 2: the mean |h| of each row, broadcast (rank ≤ 1: |h|). */
export function averageLastJs(h: Float32Array, shape: readonly number[]): Float32Array {
  const d = new Float32Array(h.length);
  if (shape.length <= 1) {
    for (let e = 0; e < h.length; e++) d[e] = Math.abs(h[e]);
    return d;
  }
  const cols = shape[shape.length - 1];
  for (let r = 0; r < h.length / cols; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += Math.abs(h[r * cols + c]);
    const mean = sum / cols;
    for (let c = 0; c < cols; c++) d[r * cols + c] = mean;
  }
  return d;
}

/** The AdaHessian step for one leaf, in place, given D. */
export function adahessianStepJs(
  x: Float32Array,
  m: Float32Array,
  v: Float32Array,
  g: Float32Array,
  d: Float32Array,
  t: number,
  p: AdahessianHyperJs,
): void {
  const bc1 = 1 - Math.pow(p.b1, t);
  const bc2 = 1 - Math.pow(p.b2, t);
  for (let e = 0; e < x.length; e++) {
    const mi = p.b1 * m[e] + (1 - p.b1) * g[e];
    const vi = p.b2 * v[e] + (1 - p.b2) * d[e] * d[e];
    const root = Math.sqrt(vi / bc2);
    const denom = (p.hessianPower === 1 ? root : Math.pow(root, p.hessianPower)) + p.eps;
    x[e] = x[e] - p.stepSize * (mi / bc1 / denom + p.weightDecay * x[e]);
    m[e] = mi;
    v[e] = vi;
  }
}

export interface LeafStateJs {
  shape: readonly number[];
  x: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

/** A functional AdaHessian update of every leaf ('last' averaging): new arrays, inputs untouched. */
export function adahessianUpdateJs(
  leaves: readonly LeafStateJs[],
  grads: readonly Float32Array[],
  hessians: readonly Float32Array[],
  i: number,
  p: AdahessianHyperJs,
): LeafStateJs[] {
  return leaves.map((leaf, k) => {
    const next = { shape: leaf.shape, x: leaf.x.slice(), m: leaf.m.slice(), v: leaf.v.slice() };
    adahessianStepJs(next.x, next.m, next.v, grads[k], averageLastJs(hessians[k], leaf.shape), i + 1, p);
    return next;
  });
}

/** JAX's Adam step for one leaf, in place. */
export function adamStepJs(
  x: Float32Array,
  m: Float32Array,
  v: Float32Array,
  g: Float32Array,
  t: number,
  p: { stepSize: number; b1: number; b2: number; eps: number },
): void {
  const bc1 = 1 - Math.pow(p.b1, t);
  const bc2 = 1 - Math.pow(p.b2, t);
  for (let e = 0; e < x.length; e++) {
    const mi = p.b1 * m[e] + (1 - p.b1) * g[e];
    const vi = p.b2 * v[e] + (1 - p.b2) * g[e] * g[e];
    x[e] = x[e] - (p.stepSize * (mi / bc1)) / (Math.sqrt(vi / bc2) + p.eps);
    m[e] = mi;
    v[e] = vi;
  }
}
