// The plain-JS yardstick: the hand-derived gradient and HVP of bench/baseline/mlp.ts and the
// AdaHessian update of bench/baseline/optimizers.ts, straightforward Float32Array loops.
import { mlpGradHvp, type Layer } from '../../baseline/mlp.js';
import { adahessianUpdateJs, type LeafStateJs } from '../../baseline/optimizers.js';
import { ADAHESSIAN, type Problem } from '../problem.js';
import type { Contender, Leaves } from '../contender.js';

const flat = (layers: Layer[]): Leaves => layers.flatMap(([w, b]) => [w, b]);

export function baseline(p: Problem): Contender {
  const shapes = { sizes: p.sizes, batch: p.batch };
  const layers: Layer[] = p.params.map(({ w, b }) => [w, b]);
  const v: Layer[] = p.probe.map(({ w, b }) => [w, b]);
  const probe = flat(v);

  let state: LeafStateJs[] = p.params.flatMap(({ w, b }, l) => [
    { shape: [p.sizes[l], p.sizes[l + 1]], x: w.slice(), m: new Float32Array(w.length), v: new Float32Array(w.length) },
    { shape: [p.sizes[l + 1]], x: b.slice(), m: new Float32Array(b.length), v: new Float32Array(b.length) },
  ]);
  let step = 0;
  const hyper = { ...ADAHESSIAN, weightDecay: 0, hessianPower: 1 };

  return {
    library: 'plain JS',
    variant: 'loops',
    how: 'bench/baseline: hand-derived gradient and HVP, Float32Array loops; the same fixed probe every step',
    tasks: {
      valueAndGrad: () => {
        const { loss, grad } = mlpGradHvp(layers, p.x, p.y, shapes, null);
        return { loss, grad: flat(grad) };
      },
      gradHvp: () => {
        const { grad, hvp } = mlpGradHvp(layers, p.x, p.y, shapes, v);
        return { grad: flat(grad), hvp: flat(hvp!) };
      },
      adahessianStep: () => {
        const current: Layer[] = [];
        for (let i = 0; i < state.length; i += 2) current.push([state[i].x, state[i + 1].x]);
        const { grad, hvp } = mlpGradHvp(current, p.x, p.y, shapes, v);
        const hessians = flat(hvp!).map((hv, i) => hv.map((q, e) => q * probe[i][e]));
        state = adahessianUpdateJs(state, flat(grad), hessians, step++, hyper);
        return { params: state.map((leaf) => leaf.x) };
      },
    },
  };
}
