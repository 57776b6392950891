// What the demo trains, read from (and written to) the page's URL, so a configuration can be
// linked and the end-to-end test can fix one: ?optimizers=adahessian&hidden=32&batch=32&epochs=1&limit=640&seed=7
// (or &model=cnn for the CLI's CNN)
//
// The worker trains each optimizer with the CLI's defaults (`adahessian-wasm train --optimizer
// <name>`, defaultConfig in adahessian-wasm/training) and these settings, in the same training
// core, so a demo run is the run `adahessian-wasm train` makes with the same model, batch size,
// epochs, limit and seed. (This file stays free of the package: the page's main thread imports it.)

export const OPTIMIZERS = ['adam', 'adahessian'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const MODELS = ['mlp', 'cnn'] as const;
export type ModelName = (typeof MODELS)[number];

export interface DemoConfig {
  /** The runs, trained side by side (one step of each in turn). */
  optimizers: OptimizerName[];
  /** 'mlp' (the default) or 'cnn' (the CLI's --model cnn: two conv layers; `hidden` unused). */
  model?: ModelName;
  /** Hidden layer widths: the model is 784 → hidden... → 10, ReLU between, log-softmax last. */
  hidden: number[];
  batchSize: number;
  epochs: number;
  /** Train on the first `limit` training digits only (null: all 8,000 of the demo's digits file). */
  limit: number | null;
  /** random.key(seed) initialises the model, orders the batches and draws the probes, as the CLI does. */
  seed: number;
}

export const DEFAULT_CONFIG: DemoConfig = {
  optimizers: ['adam', 'adahessian'],
  hidden: [128],
  batchSize: 128,
  epochs: 10,
  limit: null,
  seed: 0,
};

function positiveInteger(text: string, name: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got '${text}'`);
  }
  return value;
}

/**
 * The configuration in `params`; missing parameters take DEFAULT_CONFIG's values. Throws a
 * RangeError naming the parameter and what it expects.
 */
export function configFromParams(params: URLSearchParams): DemoConfig {
  const config: DemoConfig = { ...DEFAULT_CONFIG, optimizers: [...DEFAULT_CONFIG.optimizers], hidden: [...DEFAULT_CONFIG.hidden] };
  const known = ['optimizers', 'model', 'hidden', 'batch', 'epochs', 'limit', 'seed'];
  for (const name of params.keys()) {
    if (!known.includes(name)) throw new RangeError(`unknown parameter '${name}' (known: ${known.join(', ')})`);
  }
  const optimizers = params.get('optimizers');
  if (optimizers !== null) {
    const names = optimizers.split(',').map((s) => s.trim());
    const bad = names.find((n) => !OPTIMIZERS.includes(n as OptimizerName));
    if (bad !== undefined || names.length === 0 || new Set(names).size !== names.length) {
      throw new RangeError(`optimizers must be a comma-separated list of distinct names from ${OPTIMIZERS.join(', ')}, got '${optimizers}'`);
    }
    config.optimizers = names as OptimizerName[];
  }
  const model = params.get('model');
  if (model !== null) {
    if (!MODELS.includes(model as ModelName)) throw new RangeError(`model must be one of ${MODELS.join(', ')}, got '${model}'`);
    config.model = model as ModelName;
  }
  const hidden = params.get('hidden');
  if (hidden !== null) {
    // An empty list is allowed: no hidden layer, a linear model under the log-softmax.
    config.hidden = hidden.trim() === '' ? [] : hidden.split(',').map((h, i) => positiveInteger(h, `hidden[${i}]`));
  }
  const batch = params.get('batch');
  if (batch !== null) config.batchSize = positiveInteger(batch, 'batch');
  const epochs = params.get('epochs');
  if (epochs !== null) config.epochs = positiveInteger(epochs, 'epochs');
  const limit = params.get('limit');
  if (limit !== null) config.limit = limit === 'all' ? null : positiveInteger(limit, 'limit');
  const seed = params.get('seed');
  if (seed !== null) {
    const value = Number(seed);
    if (!/^\d+$/.test(seed.trim()) || value > 0xffffffff) throw new RangeError(`seed must be an integer in [0, 2^32), got '${seed}'`);
    config.seed = value;
  }
  return config;
}

/** The URL parameters that configFromParams reads back as `config`. */
export function configToParams(config: DemoConfig): URLSearchParams {
  return new URLSearchParams({
    optimizers: config.optimizers.join(','),
    ...(config.model ? { model: config.model } : {}),
    hidden: config.hidden.join(','),
    batch: String(config.batchSize),
    epochs: String(config.epochs),
    limit: config.limit === null ? 'all' : String(config.limit),
    seed: String(config.seed),
  });
}
