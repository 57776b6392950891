// jax-js on its wasm device, eager and under jit. The HVP is JAX's jvp(grad(loss)). In Node
// jax-js runs its wasm kernels on the calling thread: its worker pool needs SharedArrayBuffer and
// a global Worker, which Node does not have, so it is single-threaded like this library.
//
// jax-js counts references: every function consumes the Arrays passed to it, so a value used
// twice is passed as `.ref` first (see its README).
import { grad, init, jit, jvp, nn, numpy as np, valueAndGrad, type OwnedFunction } from '@jax-js/jax';
import { ADAHESSIAN, type Problem } from '../problem.js';
import type { Contender, Leaves } from '../contender.js';

type Params = [np.Array, np.Array][];

const refs = (t: Params): Params => t.map(([w, b]) => [w.ref, b.ref]);
const read = (t: Params): Leaves => t.flatMap(([w, b]) => [w.dataSync() as Float32Array, b.dataSync() as Float32Array]);

/** Mean cross-entropy of the ReLU MLP. Consumes its arguments. */
function loss(params: Params, x: np.Array, y: np.Array): np.Array {
  let h = x;
  params.forEach(([w, b], l) => {
    h = np.matmul(h, w).add(b);
    if (l < params.length - 1) h = nn.relu(h);
  });
  return nn.logSoftmax(h, -1).mul(y).sum(-1).mean().neg();
}

/** [gradient, H·v] by forward-over-reverse. */
function gradHvp(params: Params, v: Params, x: np.Array, y: np.Array): [Params, Params] {
  return jvp((q: Params) => grad(loss)(q, x, y), [params], [v]) as [Params, Params];
}

/** One AdaHessian step ('last' averaging: W [in, out] averages |h| over its last axis). */
function adahessianStep(
  params: Params, m: Params, v: Params, probe: Params, x: np.Array, y: np.Array, bc1: np.Array, bc2: np.Array,
): [Params, Params, Params] {
  const { stepSize, b1, b2, eps } = ADAHESSIAN;
  const [g, hv] = gradHvp(refs(params), refs(probe), x, y);
  const next: [Params, Params, Params] = [[], [], []];
  params.forEach((layer, l) => {
    const out = [0, 1].map((k) => {
      const h = hv[l][k].mul(probe[l][k]);
      const d = k === 0 ? np.abs(h).mean(-1, { keepdims: true }) : np.abs(h);
      const mNew = m[l][k].mul(b1).add(g[l][k].mul(1 - b1));
      const vNew = v[l][k].mul(b2).add(np.square(d).mul(1 - b2));
      const denom = np.sqrt(vNew.ref.div(bc2.ref)).add(eps);
      const xNew = layer[k].sub(mNew.ref.div(bc1.ref).div(denom).mul(stepSize));
      return [xNew, mNew, vNew];
    });
    for (let s = 0; s < 3; s++) next[s].push([out[0][s], out[1][s]]);
  });
  bc1.dispose();
  bc2.dispose();
  return next;
}

/** The functions as they are, or each under jit (then also the jitted ones, for disposing). */
export function jitIf<T extends Record<string, (...args: any[]) => any>>(jitted: boolean, fns: T): [T, OwnedFunction<any>[]] {
  if (!jitted) return [fns, []];
  const owned = Object.values(fns).map((f) => jit(f));
  return [Object.fromEntries(Object.keys(fns).map((name, i) => [name, owned[i]])) as unknown as T, owned];
}

export async function initJaxjs(): Promise<void> {
  const devices = await init('wasm');
  if (!devices.includes('wasm')) throw new Error(`jax-js: the wasm device did not initialise (got ${devices.join(', ')})`);
}

/** A jax-js float32 array of `data` (its typings want a Float32Array over a plain ArrayBuffer). */
export const arrayOf = (data: Float32Array, shape: readonly number[]): np.Array =>
  np.array(data as Float32Array<ArrayBuffer>).reshape([...shape]);

/** The loss and derivative functions a contender times, eager or jitted. */
interface DerivativeFns<P> {
  valueAndGrad: (params: P, x: np.Array, y: np.Array) => unknown;
  gradHvp: (params: P, v: P, x: np.Array, y: np.Array) => [P, P];
}

/**
 * The valueAndGrad and gradHvp tasks of a model whose parameters form a tree P: `refs` takes a
 * new reference to every array of a tree (jax-js consumes its arguments), `read` copies a tree's
 * arrays out in leaf order.
 */
export function derivativeTasks<P>(
  fns: DerivativeFns<P>, params: P, probe: P, x: np.Array, y: np.Array, refs: (t: P) => P, read: (t: P) => Leaves,
) {
  return {
    valueAndGrad: () => {
      const [value, g] = fns.valueAndGrad(refs(params), x.ref, y.ref) as [np.Array, P];
      return { loss: (value.dataSync() as Float32Array)[0], grad: read(g) };
    },
    gradHvp: () => {
      const [g, hv] = fns.gradHvp(refs(params), refs(probe), x.ref, y.ref);
      return { grad: read(g), hvp: read(hv) };
    },
  };
}

function contender(p: Problem, jitted: boolean): Contender {
  const shapeOf = (l: number): [number[], number[]] => [[p.sizes[l], p.sizes[l + 1]], [p.sizes[l + 1]]];
  const arrays = (layers: { w: Float32Array; b: Float32Array }[]): Params =>
    layers.map(({ w, b }, l) => [arrayOf(w, shapeOf(l)[0]), arrayOf(b, shapeOf(l)[1])]);
  const x = arrayOf(p.x, [p.batch, p.sizes[0]]);
  const y = arrayOf(p.y, [p.batch, p.sizes[p.sizes.length - 1]]);
  const params = arrays(p.params);
  const probe = arrays(p.probe);
  let state: [Params, Params, Params] = [
    refs(params),
    params.map(([w, b]) => [np.zerosLike(w.ref), np.zerosLike(b.ref)]),
    params.map(([w, b]) => [np.zerosLike(w.ref), np.zerosLike(b.ref)]),
  ];
  let step = 0;

  const [fns, owned] = jitIf(jitted, { valueAndGrad: valueAndGrad(loss), gradHvp, adahessianStep });

  return {
    library: 'jax-js 0.1.25 (wasm)',
    variant: jitted ? 'jit' : 'eager',
    how: jitted ? 'jit(valueAndGrad), jit(jvp(grad)), jit(the whole step)' : 'valueAndGrad, jvp(grad(loss)), the step op by op',
    tasks: {
      ...derivativeTasks(fns, params, probe, x, y, refs, read),
      adahessianStep: () => {
        const t = ++step;
        const [b1, b2] = [ADAHESSIAN.b1, ADAHESSIAN.b2];
        state = fns.adahessianStep(...state, refs(probe), x.ref, y.ref, np.array(1 - b1 ** t), np.array(1 - b2 ** t));
        return { params: read(refs(state[0])) };
      },
    },
    dispose: () => {
      for (const t of [params, probe, ...state]) for (const [w, b] of t) (w.dispose(), b.dispose());
      x.dispose();
      y.dispose();
      for (const f of owned) f.dispose();
    },
  };
}

/** jax-js eager and jitted, for one problem (call initJaxjs first). */
export function jaxjs(p: Problem): Contender[] {
  return [contender(p, false), contender(p, true)];
}
