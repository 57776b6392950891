// This library on the CNN, through its public API: valueAndGrad and hvp (forward-over-reverse).
import { hvp, nn, np, tensor, tree, valueAndGrad, type Tensor } from '../../../src/index.js';
import type { Contender, Leaves } from '../contender.js';
import { BATCH, CLASSES, SIDE, type CnnProblem } from './problem.js';

const data = (t: unknown): Leaves => (tree.leaves(t) as Tensor[]).map((leaf) => leaf.data);

export function oursCnn(p: CnnProblem): Contender {
  const x = tensor(p.x, [BATCH, SIDE, SIDE, 1]);
  const y = tensor(p.y, [BATCH, CLASSES]);
  const loss = (params: unknown, xb: Tensor, yb: Tensor) =>
    np.negative(np.mean(np.sum(np.multiply(nn.logSoftmax(p.apply(params, xb)), yb), 1)));
  const lossAndGrad = valueAndGrad(loss);
  return {
    library: 'adahessian-wasm',
    variant: 'wasm',
    how: 'stax Conv/MaxPool/Dense; valueAndGrad; hvp (forward-over-reverse)',
    tasks: {
      valueAndGrad: () => {
        const [value, g] = lossAndGrad(p.staxParams, x, y);
        return { loss: value.data[0], grad: data(g) };
      },
      gradHvp: () => {
        const [g, hv] = hvp(loss, [p.staxParams, x, y], p.staxProbe);
        return { grad: data(g), hvp: data(hv) };
      },
    },
  };
}
