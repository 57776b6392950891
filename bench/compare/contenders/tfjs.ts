// TensorFlow.js 4.22 on its wasm backend (XNNPACK, SIMD). In Node the backend never uses threads
// (its WASM_HAS_MULTITHREAD_SUPPORT flag is false under IS_NODE), so it runs single-threaded like
// this library. The HVP is nested tf.grads: the gradient of <grad f(θ), v>.
//
// TF.js's second derivatives break at ops whose gradient reuses the op's saved *output*: the
// nested tape records the saved copy before the op that made it, so the outer differentiation
// cannot reach it (exp, softmax, logSoftmax, tanh, sigmoid); Max and logSumExp fail for want of a
// gradient for Equal. The variants below record that, and the smallest fix we found.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { ADAHESSIAN, type Problem } from '../problem.js';
import type { Contender, Leaves } from '../contender.js';

/** How a variant turns logits [batch, classes] and one-hot labels into the mean cross-entropy. */
type LossHead = (logits: tf.Tensor2D, y: tf.Tensor2D) => tf.Scalar;

export const meanCrossEntropy = (logProbs: tf.Tensor, y: tf.Tensor2D): tf.Scalar =>
  tf.neg(tf.mean(tf.sum(tf.mul(logProbs, y), -1))) as tf.Scalar;

/** tf.customGrad's typings take one rest parameter of tensors and the save function; ours name them. */
type CustomGradFn = Parameters<typeof tf.customGrad>[0];

/**
 * The fix: logSoftmax with the stock forward kernel and the stock gradient formula
 * dy − Σdy · softmax(z), except that softmax is recomputed from the saved *input* z instead of
 * exp(saved output), so the ops of the gradient stay connected to θ on the outer tape.
 */
export const logSoftmaxFixed = tf.customGrad(((z: tf.Tensor, save: tf.GradSaveFunc) => {
  save([z]);
  return {
    value: tf.logSoftmax(z),
    gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.sub(dy, tf.mul(tf.sum(dy, -1, true), tf.softmax(saved))),
  };
}) as CustomGradFn) as (z: tf.Tensor) => tf.Tensor;

/**
 * A performance fix on top: TF.js wasm runs matMul with transposeA or transposeB (which the stock
 * matMul gradient uses) on a slow path: ~0.7 and ~3 GFLOP/s against ~28 for a plain matMul here
 * (128×1024×1024). This matMul's gradient transposes explicitly and then multiplies plainly; it is
 * written with itself, so its own derivative is fast too.
 */
export const matMulFast: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, [sa, sb]: tf.Tensor[]) => [matMulFast(dy, tf.transpose(sb)), matMulFast(tf.transpose(sa), dy)],
  };
}) as CustomGradFn) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/**
 * [gradient, H·v] of `loss`: the outer tf.grads differentiates <∇f(θ), v>; the inner ∇f is kept
 * on the way out (tf.keep: the caller disposes it).
 */
export function nestedGradHvp(loss: (...theta: tf.Tensor[]) => tf.Scalar) {
  const gradient = tf.grads(loss);
  return (theta: tf.Tensor[], v: tf.Tensor[]): [tf.Tensor[], tf.Tensor[]] => {
    let inner: tf.Tensor[] = [];
    const hv = tf.grads((...t: tf.Tensor[]) => {
      inner = gradient(t).map((g) => tf.keep(g));
      return tf.addN(inner.map((g, i) => tf.sum(tf.mul(g, v[i])))) as tf.Scalar;
    })(theta);
    return [inner, hv];
  };
}

export const read = (ts: tf.Tensor[]): Leaves => ts.map((t) => t.dataSync() as Float32Array);

/** The valueAndGrad and gradHvp tasks of `loss` at `params` (probe `probe`). */
export function gradientTasks(loss: (...theta: tf.Tensor[]) => tf.Scalar, params: tf.Tensor[], probe: tf.Tensor[]) {
  const gradAndHvp = nestedGradHvp(loss);
  return {
    // tf.tidy returns the result tensors and they are read outside it: tidy walks whatever it
    // returns element by element, which for Float32Arrays would cost seconds.
    valueAndGrad: () => {
      const [value, g] = tf.tidy(() => {
        const { value, grads } = tf.valueAndGrads(loss)(params);
        return [value, grads] as const;
      });
      const out = { loss: value.dataSync()[0], grad: read(g) };
      tf.dispose([value, ...g]);
      return out;
    },
    gradHvp: () => {
      const [g, hv] = tf.tidy(() => gradAndHvp(params, probe));
      const out = { grad: read(g), hvp: read(hv) };
      tf.dispose([...g, ...hv]);
      return out;
    },
  };
}

interface Variant {
  variant: string;
  how: string;
  head: LossHead;
  matMul: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
  /** Kept only to record that it fails or is wrong. */
  checkOnly?: boolean;
}

const stockMatMul = (a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b);

const VARIANTS: Variant[] = [
  {
    variant: 'stock',
    how: 'tf.logSoftmax in the loss, as written for this library',
    head: (z, y) => meanCrossEntropy(tf.logSoftmax(z), y),
    matMul: stockMatMul,
  },
  {
    variant: 'stock: logSoftmax from exp/log/sum',
    how: 'z − log Σ exp z written with tf.exp/tf.log/tf.sum (no max shift: tf.max has no second derivative either)',
    head: (z, y) => meanCrossEntropy(tf.sub(z, tf.log(tf.sum(tf.exp(z), -1, true))), y),
    matMul: stockMatMul,
    checkOnly: true,
  },
  {
    variant: 'stock: tf.losses.softmaxCrossEntropy',
    how: "TF.js's own cross-entropy on the logits in place of logSoftmax",
    head: (z, y) => tf.losses.softmaxCrossEntropy(y, z) as tf.Scalar,
    matMul: stockMatMul,
    checkOnly: true,
  },
  {
    variant: 'logSoftmax fix',
    how: 'tf.customGrad logSoftmax whose gradient recomputes softmax from the saved input (the correctness fix)',
    head: (z, y) => meanCrossEntropy(logSoftmaxFixed(z), y),
    matMul: stockMatMul,
  },
  {
    variant: 'logSoftmax fix + matMul fix',
    how: 'the correctness fix plus a tf.customGrad matMul whose gradient uses explicit tf.transpose and plain matMuls',
    head: (z, y) => meanCrossEntropy(logSoftmaxFixed(z), y),
    matMul: matMulFast,
  },
];

let ready: Promise<void> | null = null;

/** Switches TF.js to the wasm backend once (SIMD is detected and used; threads are off in Node). */
export function initTfjs(): Promise<void> {
  ready ??= (async () => {
    if (!(await tf.setBackend('wasm'))) throw new Error('TF.js: the wasm backend did not initialise');
    await tf.ready();
    if (!tf.env().getBool('WASM_HAS_SIMD_SUPPORT')) throw new Error('TF.js: wasm SIMD is not available');
  })();
  return ready;
}

export function tfjsSetup(): string {
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  return `TF.js ${tf.version.tfjs}, backend ${tf.getBackend()}, SIMD ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off (Node)'}`;
}

function contender(p: Problem, { variant, how, head, matMul, checkOnly }: Variant): Contender {
  const L = p.params.length;
  const shapeOf = (i: number): number[] => (i % 2 === 0 ? [p.sizes[i / 2], p.sizes[i / 2 + 1]] : [p.sizes[(i - 1) / 2 + 1]]);
  const leaves = (layers: { w: Float32Array; b: Float32Array }[]) =>
    layers.flatMap(({ w, b }, l) => [tf.tensor(w, shapeOf(2 * l)), tf.tensor(b, shapeOf(2 * l + 1))]);

  const x = tf.tensor2d(p.x, [p.batch, p.sizes[0]]);
  const y = tf.tensor2d(p.y, [p.batch, p.sizes[L]]);
  const params = leaves(p.params);
  const probe = leaves(p.probe);

  const loss = (...theta: tf.Tensor[]): tf.Scalar => {
    let h: tf.Tensor = x;
    for (let l = 0; l < L; l++) {
      h = tf.add(matMul(h, theta[2 * l]), theta[2 * l + 1]);
      if (l < L - 1) h = tf.relu(h);
    }
    return head(h as tf.Tensor2D, y);
  };
  const gradAndHvp = nestedGradHvp(loss);

  // AdaHessian state, carried from call to call ('last' averaging: rank-2 leaves average |h| over their last axis).
  let state = { x: params.map((t) => tf.clone(t)), m: params.map((t) => tf.zerosLike(t)), v: params.map((t) => tf.zerosLike(t)) };
  let step = 0;
  const { stepSize, b1, b2, eps } = ADAHESSIAN;

  return {
    library: 'TF.js 4.22 (wasm)',
    variant,
    how,
    checkOnly: checkOnly ?? false,
    tasks: {
      ...gradientTasks(loss, params, probe),
      adahessianStep: () => {
        const t = ++step;
        const next = tf.tidy(() => {
          const [g, hv] = gradAndHvp(state.x, probe);
          const out = { x: [] as tf.Tensor[], m: [] as tf.Tensor[], v: [] as tf.Tensor[] };
          state.x.forEach((xi, i) => {
            const h = tf.mul(hv[i], probe[i]);
            const d = xi.rank === 2 ? tf.mean(tf.abs(h), -1, true) : tf.abs(h);
            const m = tf.add(tf.mul(state.m[i], b1), tf.mul(g[i], 1 - b1));
            const v = tf.add(tf.mul(state.v[i], b2), tf.mul(tf.square(d), 1 - b2));
            const denom = tf.add(tf.sqrt(tf.div(v, 1 - b2 ** t)), eps);
            out.x.push(tf.keep(tf.sub(xi, tf.mul(tf.div(tf.div(m, 1 - b1 ** t), denom), stepSize))));
            out.m.push(tf.keep(m));
            out.v.push(tf.keep(v));
          });
          tf.dispose(g);
          return out;
        });
        tf.dispose([...state.x, ...state.m, ...state.v]);
        state = next;
        return { params: read(state.x) };
      },
    },
    dispose: () => tf.dispose([x, y, ...params, ...probe, ...state.x, ...state.m, ...state.v]),
  };
}

/** The TF.js variants for one problem (call initTfjs first). */
export function tfjs(p: Problem): Contender[] {
  return VARIANTS.map((v) => contender(p, v));
}
