// jax-js 0.1.25 (wasm device) on the CNN, eager and under jit. jax-js convolves NCHW inputs with
// OIHW kernels (lax.conv), so the batch is handed over as NCHW once, and inside the loss the HWIO
// kernels are transposed to OIHW and the last activations back to NHWC before flattening (small
// arrays): parameters, gradients and HVPs stay in our layouts. Max pooling is lax.reduceWindow
// with a max. The HVP is jvp(grad(loss)), as for the MLP.
import { grad, jvp, lax, nn, numpy as np, valueAndGrad } from '@jax-js/jax';
import { arrayOf, derivativeTasks, jitIf } from '../contenders/jaxjs.js';
import type { Contender, Leaves } from '../contender.js';
import { BATCH, CLASSES, LEAF_SHAPES, SIDE, type CnnProblem } from './problem.js';

type Params = np.Array[];

const refs = (t: Params): Params => t.map((a) => a.ref);
const read = (t: Params): Leaves => t.map((a) => a.dataSync() as Float32Array);

/** conv (VALID) + bias → ReLU → 2×2/2 max pool, NCHW; kernel HWIO, bias [out]. Consumes its arguments. */
function block(h: np.Array, kernel: np.Array, bias: np.Array): np.Array {
  const out = lax.conv(h, np.transpose(kernel, [3, 2, 0, 1]), [1, 1], 'VALID').add(bias.reshape([1, -1, 1, 1]));
  return lax.reduceWindow(nn.relu(out), (w) => np.max(w), [2, 2], [2, 2]);
}

/** Mean cross-entropy of the CNN on NCHW images. Consumes its arguments. */
function loss([k1, b1, k2, b2, w, b]: Params, x: np.Array, y: np.Array): np.Array {
  const features = np.transpose(block(block(x, k1, b1), k2, b2), [0, 2, 3, 1]).reshape([BATCH, -1]);
  return nn.logSoftmax(np.matmul(features, w).add(b), -1).mul(y).sum(-1).mean().neg();
}

function gradHvp(params: Params, v: Params, x: np.Array, y: np.Array): [Params, Params] {
  return jvp((q: Params) => grad(loss)(q, x, y), [params], [v]) as [Params, Params];
}

function contender(p: CnnProblem, jitted: boolean): Contender {
  const nhwc = arrayOf(p.x, [BATCH, SIDE, SIDE, 1]);
  const x = np.transpose(nhwc, [0, 3, 1, 2]);
  const y = arrayOf(p.y, [BATCH, CLASSES]);
  const params = p.params.map((a, i) => arrayOf(a, LEAF_SHAPES[i]));
  const probe = p.probe.map((a, i) => arrayOf(a, LEAF_SHAPES[i]));
  const [fns, owned] = jitIf(jitted, { valueAndGrad: valueAndGrad(loss), gradHvp });
  return {
    library: 'jax-js 0.1.25 (wasm)',
    variant: jitted ? 'jit' : 'eager',
    how: `lax.conv (NCHW, OIHW), lax.reduceWindow max; ${jitted ? 'jit(valueAndGrad), jit(jvp(grad))' : 'valueAndGrad, jvp(grad(loss))'}`,
    tasks: derivativeTasks(fns, params, probe, x, y, refs, read),
    dispose: () => {
      for (const a of [...params, ...probe, x, y]) a.dispose();
      for (const f of owned) f.dispose();
    },
  };
}

/** jax-js eager and jitted on the CNN (call initJaxjs first). */
export function jaxjsCnn(p: CnnProblem): Contender[] {
  return [contender(p, false), contender(p, true)];
}
