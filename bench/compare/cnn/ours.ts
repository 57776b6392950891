// This library on the CNN, through its public API: valueAndGrad and hvp (forward-over-reverse).
import { tensor } from '../../../src/index.js';
import type { Contender } from '../contender.js';
import { crossEntropyOf, gradientTasks } from '../contenders/ours.js';
import { BATCH, CLASSES, SIDE, type CnnProblem } from './problem.js';

export function oursCnn(p: CnnProblem): Contender {
  const x = tensor(p.x, [BATCH, SIDE, SIDE, 1]);
  const y = tensor(p.y, [BATCH, CLASSES]);
  return {
    library: 'adahessian-wasm',
    variant: 'wasm',
    how: 'stax Conv/MaxPool/Dense; valueAndGrad; hvp (forward-over-reverse)',
    tasks: gradientTasks(crossEntropyOf(p.apply), p.staxParams, x, y, p.staxProbe),
  };
}
