// This library on the CNN, through its public API: valueAndGrad and hvp (forward-over-reverse), on
// a given number of threads.
import { tensor } from '../../../src/index.js';
import type { Contender } from '../contender.js';
import { crossEntropyOf, gradientTasks, onThreads } from '../contenders/ours.js';
import { BATCH, CLASSES, SIDE, type CnnProblem } from './problem.js';

export function oursCnn(p: CnnProblem, threads: number): Contender {
  const x = tensor(p.x, [BATCH, SIDE, SIDE, 1]);
  const y = tensor(p.y, [BATCH, CLASSES]);
  return onThreads(threads, {
    library: 'adahessian-wasm',
    variant: 'wasm',
    how: 'stax Conv/MaxPool/Dense; valueAndGrad; hvp (forward-over-reverse)',
    tasks: gradientTasks(crossEntropyOf(p.apply), p.staxParams, x, y, p.staxProbe),
  });
}
