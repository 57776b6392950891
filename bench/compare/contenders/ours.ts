// This library, through its public API: valueAndGrad, hvp, and gradAndHessian + the adahessian
// triple's update. Every result comes back as Tensors whose data are Float32Arrays already.
import { gradAndHessian, hvp, nn, np, tensor, tree, valueAndGrad, type Tensor } from '../../../src/index.js';
import { adahessian } from '../../../src/optimizers/index.js';
import { ADAHESSIAN, probeTree, type Problem } from '../problem.js';
import type { Contender, Leaves } from '../contender.js';

const data = (t: unknown): Leaves => (tree.leaves(t) as Tensor[]).map((leaf) => leaf.data);

export function ours(p: Problem): Contender {
  const x = tensor(p.x, [p.batch, p.sizes[0]]);
  const y = tensor(p.y, [p.batch, p.sizes[p.sizes.length - 1]]);
  const loss = (params: unknown, xb: Tensor, yb: Tensor) =>
    np.negative(np.mean(np.sum(np.multiply(nn.logSoftmax(p.apply(params, xb)), yb), 1)));
  const lossAndGrad = valueAndGrad(loss);
  const v = probeTree(p);

  const [init, update, getParams] = adahessian({ ...ADAHESSIAN });
  let state = init(p.staxParams as never);
  let step = 0;

  return {
    library: 'adahessian-wasm',
    variant: 'wasm',
    how: 'valueAndGrad; hvp (forward-over-reverse); gradAndHessian (draws the probe) + adahessian update',
    tasks: {
      valueAndGrad: () => {
        const [value, g] = lossAndGrad(p.staxParams, x, y);
        return { loss: value.data[0], grad: data(g) };
      },
      gradHvp: () => {
        const [g, hv] = hvp(loss, [p.staxParams, x, y], v);
        return { grad: data(g), hvp: data(hv) };
      },
      adahessianStep: () => {
        const [g, h] = gradAndHessian(loss, [getParams(state), x, y], p.probeKey);
        state = update(step++, g, h, state);
        return { params: data(getParams(state)) };
      },
    },
  };
}
