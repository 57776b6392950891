// One training step per optimizer, behind one interface, as the seed's examples do it:
//   Adam / SGD:  g = grad(loss)(params, batch);                  state = update(i, g, state)
//   AdaHessian:  rng, rngStep = split(rng)
//                g, h = gradAndHessian(loss, [params, batch], rngStep); state = update(i, g, h, state)
// With hessianEvery = k, AdaHessian estimates the Hessian on steps 0, k, 2k, ... only; the steps
// between take the gradient alone and update(i, g, null, state), which keeps the old moment v.
// Each step disposes its gradient and Hessian once the update has read them, so a training loop
// keeps a fixed wasm footprint and the update reads them where the transform left them.
import { valueAndGrad, valueGradAndHessian } from '../autodiff/transforms.js';
import { adahessian, adam, sgd, type OptimizerState } from '../optimizers/index.js';
import * as random from '../random.js';
import type { Key } from '../random.js';
import { dispose } from '../dispose.js';
import type { Tensor } from '../tensor.js';
import { spatialAverageFor, type TrainConfig } from './config.js';
import type { Batch } from './model.js';

export type Loss = (params: unknown, batch: Batch) => Tensor;

export interface StepResult {
  state: OptimizerState;
  /** The probe key after this step (unchanged unless a Hessian was estimated). */
  rng: Key;
  /** The loss on this batch, before the update. */
  loss: number;
}

export interface Stepper {
  init(params: unknown): OptimizerState;
  getParams(state: OptimizerState): unknown;
  step(i: number, state: OptimizerState, batch: Batch, rng: Key): StepResult;
}

/** Runs an update, then disposes its inputs (also when it throws). */
function updateThenDispose(update: () => OptimizerState, inputs: unknown): OptimizerState {
  try {
    return update();
  } finally {
    dispose(inputs);
  }
}

export function makeStepper(config: TrainConfig, loss: Loss): Stepper {
  const lossAndGrad = valueAndGrad(loss as (...args: unknown[]) => Tensor);
  if (config.optimizer === 'adahessian') {
    const [init, update, getParams] = adahessian({
      stepSize: config.lr,
      eps: config.eps,
      spatialAverage: spatialAverageFor(config.spatialAverage!),
    });
    const every = config.hessianEvery!;
    const samples = config.samples!;
    return {
      init,
      getParams,
      step(i, state, batch, rng) {
        const params = getParams(state);
        if (i % every !== 0) {
          const [value, g] = lossAndGrad(params, batch);
          return { state: updateThenDispose(() => update(i, g, null, state), g), rng, loss: value.item() };
        }
        const [next, rngStep] = random.split(rng);
        const [value, g, h] = valueGradAndHessian(loss as (...args: unknown[]) => Tensor, [params, batch], rngStep, 0, { samples });
        return { state: updateThenDispose(() => update(i, g, h, state), [g, h]), rng: next, loss: value.item() };
      },
    };
  }
  const [init, update, getParams] =
    config.optimizer === 'adam' ? adam({ stepSize: config.lr, eps: config.eps }) : sgd({ stepSize: config.lr });
  return {
    init,
    getParams,
    step(i, state, batch, rng) {
      const [value, g] = lossAndGrad(getParams(state), batch);
      return { state: updateThenDispose(() => update(i, g, state), g), rng, loss: value.item() };
    },
  };
}
