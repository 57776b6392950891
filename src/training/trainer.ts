// The training loop of a run, resumable at any step. Everything that decides the outcome is in
// TrainingState (plus the config and the data): the step count, the position in the epoch, the
// probe key and the optimizer state. Restoring those exactly, as a checkpoint does, continues
// the run as if it had never stopped, down to the last bit of the parameters.
//
// Keys, as the seed's examples (examples/mnist_*.ts) use them, so `train --seed s` reproduces
// those scripts run with key(s): key(seed) initialises the model, orders the batches (see
// data.ts: each epoch's permutation folds the epoch number in) and, split before every Hessian
// estimate (`rng, rngStep = split(rng)`), draws AdaHessian's Hutchinson probes.
import type { Dataset } from '../datasets/dataset.js';
import type { OptimizerState } from '../optimizers/index.js';
import * as random from '../random.js';
import type { Key } from '../random.js';
import type { TrainConfig } from './config.js';
import { batchAt, batchesPerEpoch, epochOrder } from './data.js';
import { paramsSha256 } from './hash.js';
import { evaluate, lossFor, modelFor, type Evaluation } from './model.js';
import { formatShape, type Tensor } from '../tensor.js';
import { flatten, formatTreeDef, sameStructure } from '../tree.js';
import { makeStepper, type Stepper } from './optimizer.js';
import type * as stax from '../stax.js';

export interface EpochMetrics {
  /** 1-based: the metrics after this many epochs. */
  epoch: number;
  /** Training time of the epoch (updates only, as the seed measures it; evaluation excluded). */
  seconds: number;
  steps: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
}

export interface TrainingState {
  /** Steps taken; the next update is update(step, ...). */
  step: number;
  /** The current epoch (0-based) and the next batch in it. */
  epoch: number;
  batch: number;
  probeKey: Key;
  optState: OptimizerState;
  /** Metrics of the initial parameters (before any step), for the curves' starting point. */
  initial: { trainLoss: number; trainAccuracy: number; testLoss: number; testAccuracy: number };
  epochs: EpochMetrics[];
  /** The loss of every batch before its update, in step order. */
  batchLosses: number[];
  /** Training seconds spent in the current epoch so far. */
  epochSeconds: number;
}

export interface TrainingHooks {
  /** After every step. */
  onStep?(trainer: Trainer): void;
  /** After every epoch, with its metrics. */
  onEpoch?(metrics: EpochMetrics, trainer: Trainer): void;
}

export class Trainer {
  readonly config: TrainConfig;
  readonly data: Dataset;
  readonly apply: stax.ApplyFun;
  readonly stepper: Stepper;
  readonly dataKey: Key;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  /** Where the run is. A step disposes the optimizer state it replaces, unless the caller gave it. */
  state: TrainingState;
  private order: { epoch: number; order: Int32Array } | null = null;
  /** The optimizer state this trainer's last step made: the next step disposes it (its wasm memory). */
  private made: OptimizerState | null = null;

  /** A fresh run (initial parameters evaluated), or one continuing from `resume`. */
  constructor(config: TrainConfig, data: Dataset, resume?: TrainingState) {
    this.config = config;
    this.data = data;
    for (const [split, images] of [['training', data.trainImages], ['test', data.testImages]] as const) {
      if (images.shape[0] === 0) {
        throw new RangeError(`${config.data}: the ${split} set is empty (0 examples); expected at least one`);
      }
    }
    const [init, apply] = modelFor(config, data.trainImages.shape[1], data.trainLabels.shape[1]);
    this.apply = apply;
    this.stepper = makeStepper(config, lossFor(apply));
    const key = random.key(config.seed);
    this.dataKey = key;
    this.stepsPerEpoch = batchesPerEpoch(data.trainImages.shape[0], config.batchSize);
    this.totalSteps = this.stepsPerEpoch * config.epochs;
    if (resume) {
      // The model's own initial parameters (cheap next to training) give the shapes to expect.
      checkParamShapes(resume.optState, init(key, [-1, data.trainImages.shape[1]])[1]);
      const { step, epoch, batch } = resume;
      if (step !== epoch * this.stepsPerEpoch + batch || batch >= this.stepsPerEpoch || step > this.totalSteps) {
        throw new RangeError(
          `cannot resume at step ${step} (epoch ${epoch}, batch ${batch}): this run has ${this.stepsPerEpoch} ` +
            `batches per epoch and ${this.totalSteps} steps (was the data or the config changed?)`,
        );
      }
      this.state = resume;
      return;
    }
    const [, params] = init(key, [-1, data.trainImages.shape[1]]);
    this.state = {
      step: 0,
      epoch: 0,
      batch: 0,
      probeKey: key,
      optState: this.stepper.init(params),
      initial: this.metrics(params),
      epochs: [],
      batchLosses: [],
      epochSeconds: 0,
    };
  }

  get done(): boolean {
    return this.state.step >= this.totalSteps;
  }

  params(): unknown {
    return this.stepper.getParams(this.state.optState);
  }

  /** SHA-256 of the current parameters (see hash.ts). */
  paramsSha256(): Promise<string> {
    return paramsSha256(this.params());
  }

  /** Train and test loss and accuracy of `params` on the whole data set. */
  metrics(params: unknown): TrainingState['initial'] {
    const train: Evaluation = evaluate(this.apply, params, this.data.trainImages, this.data.trainLabels);
    const test: Evaluation = evaluate(this.apply, params, this.data.testImages, this.data.testLabels);
    return { trainLoss: train.loss, trainAccuracy: train.accuracy, testLoss: test.loss, testAccuracy: test.accuracy };
  }

  /** Takes one step; at the end of an epoch, evaluates and records the epoch's metrics. */
  step(hooks: TrainingHooks = {}): void {
    if (this.done) throw new RangeError(`the run is complete (${this.totalSteps} steps)`);
    const s = this.state;
    if (this.order?.epoch !== s.epoch) {
      this.order = { epoch: s.epoch, order: epochOrder(this.dataKey, s.epoch, this.data.trainImages.shape[0]) };
    }
    const started = performance.now();
    const batch = batchAt(this.data.trainImages, this.data.trainLabels, this.order.order, s.batch, this.config.batchSize);
    const result = this.stepper.step(s.step, s.optState, batch, s.probeKey);
    // A state the caller gave (init's or a resumed one) stays theirs; the ones made here are
    // replaced, so their wasm memory goes back now rather than at finalization.
    if (s.optState === this.made) s.optState.dispose();
    this.made = result.state;
    const seconds = (performance.now() - started) / 1000;
    s.batchLosses.push(result.loss); // appended in place: copying would cost O(steps²)
    this.state = {
      ...s,
      step: s.step + 1,
      batch: s.batch + 1,
      probeKey: result.rng,
      optState: result.state,
      batchLosses: s.batchLosses,
      epochSeconds: s.epochSeconds + seconds,
    };
    hooks.onStep?.(this);
    if (this.state.batch === this.stepsPerEpoch) this.finishEpoch(hooks);
  }

  private finishEpoch(hooks: TrainingHooks): void {
    const s = this.state;
    const metrics: EpochMetrics = {
      epoch: s.epoch + 1,
      seconds: s.epochSeconds,
      steps: this.stepsPerEpoch,
      ...this.metrics(this.params()),
    };
    this.state = { ...s, epoch: s.epoch + 1, batch: 0, epochs: [...s.epochs, metrics], epochSeconds: 0 };
    hooks.onEpoch?.(metrics, this);
  }
}

/** Throws unless the state's parameters have exactly the model's tree and shapes. */
function checkParamShapes(state: OptimizerState, model: unknown): void {
  const [leaves, def] = flatten(model);
  const want = (leaves as Tensor[]).map((t) => formatShape(t.shape)).join(' ');
  const got = state.shapes.map(formatShape).join(' ');
  if (!sameStructure(def, state.treedef) || got !== want) {
    throw new RangeError(
      `cannot resume: the checkpoint's parameters (${formatTreeDef(state.treedef)}: ${got}) do not fit ` +
        `the model its config describes (${formatTreeDef(def)}: ${want})`,
    );
  }
}
