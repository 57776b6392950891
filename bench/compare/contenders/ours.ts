// This library, through its public API: valueAndGrad, hvp, and gradAndHessian + the adahessian
// triple's update, on a given number of threads. Every result comes back as Tensors whose data are
// Float32Arrays already.
import { dispose, gradAndHessian, hvp, nn, np, setThreads, tensor, tree, valueAndGrad, type Tensor } from '../../../src/index.js';
import { adahessian } from '../../../src/optimizers/index.js';
import { ADAHESSIAN, probeTree, type Problem } from '../problem.js';
import type { Contender, Leaves } from '../contender.js';

const data = (t: unknown): Leaves => (tree.leaves(t) as Tensor[]).map((leaf) => leaf.data);

/**
 * Our contender on `threads` threads: `tasks` each set the count first (variants with different
 * counts take turns), under the variant name 'wasm, N threads'.
 */
export function onThreads(threads: number, contender: Contender): Contender {
  const tasks = Object.fromEntries(
    Object.entries(contender.tasks).map(([task, fn]) => [task, () => (setThreads(threads), fn!())]),
  ) as Contender['tasks'];
  return { ...contender, variant: `${contender.variant}, ${threads} thread${threads === 1 ? '' : 's'}`, tasks };
}

type Loss = (params: unknown, x: Tensor, y: Tensor) => Tensor;

/** The mean log-softmax cross-entropy of a model's logits. */
export const crossEntropyOf = (apply: (params: unknown, x: Tensor) => Tensor): Loss => (params, x, y) =>
  np.negative(np.mean(np.sum(np.multiply(nn.logSoftmax(apply(params, x)), y), 1)));

/** The valueAndGrad and gradHvp tasks of `loss` at `params` on the batch (x, y), probe v. */
export function gradientTasks(loss: Loss, params: unknown, x: Tensor, y: Tensor, v: unknown) {
  const lossAndGrad = valueAndGrad(loss);
  return {
    valueAndGrad: () => {
      const [value, g] = lossAndGrad(params, x, y);
      return { loss: value.data[0], grad: data(g) };
    },
    gradHvp: () => {
      const [g, hv] = hvp(loss, [params, x, y], v);
      return { grad: data(g), hvp: data(hv) };
    },
  };
}

export function ours(p: Problem, threads: number): Contender {
  const x = tensor(p.x, [p.batch, p.sizes[0]]);
  const y = tensor(p.y, [p.batch, p.sizes[p.sizes.length - 1]]);
  const loss = crossEntropyOf(p.apply);
  const { valueAndGrad: valueAndGradTask, gradHvp } = gradientTasks(loss, p.staxParams, x, y, probeTree(p));

  const [init, update, getParams] = adahessian({ ...ADAHESSIAN });
  let state = init(p.staxParams as never);
  let step = 0;

  return onThreads(threads, {
    library: 'adahessian-wasm',
    variant: 'wasm',
    how: 'valueAndGrad; hvp (forward-over-reverse); gradAndHessian (draws the probe) + adahessian update',
    tasks: {
      valueAndGrad: valueAndGradTask,
      gradHvp,
      adahessianStep: () => {
        const [g, h] = gradAndHessian(loss, [getParams(state), x, y], p.probeKey);
        const next = update(step++, g, h, state);
        dispose([g, h, state]);
        state = next;
        return { params: data(getParams(state)) };
      },
    },
  });
}
