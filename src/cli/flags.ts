// Command-line flags → a TrainConfig. Anything malformed or out of place is a UsageError (exit 2).
import { existsSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  DATA_SPECS,
  MODELS,
  OPTIMIZERS,
  SPATIAL_AVERAGES,
  checkConfig,
  configKeys,
  defaultConfig,
  isDataSpec,
  type ModelName,
  type OptimizerName,
  type TrainConfig,
} from '../training/config.js';
import { UsageError } from './usage.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The flags that set the model, data and training (shared by train and compare). */
const RUN_OPTIONS: Options = {
  model: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  hidden: { type: 'string' },
  seed: { type: 'string' },
  data: { type: 'string' },
  limit: { type: 'string' },
};

/** The optimizer's flags and the config keys they set. */
const OPTIMIZER_FLAGS = {
  lr: 'lr',
  eps: 'eps',
  'spatial-average': 'spatialAverage',
  samples: 'samples',
  'hessian-every': 'hessianEvery',
} as const;

export const TRAIN_OPTIONS: Options = {
  optimizer: { type: 'string' },
  ...RUN_OPTIONS,
  ...Object.fromEntries(Object.keys(OPTIMIZER_FLAGS).map((f) => [f, { type: 'string' as const }])),
  out: { type: 'string' },
  'checkpoint-every': { type: 'string' },
  resume: { type: 'string' },
};

export const COMPARE_OPTIONS: Options = { ...RUN_OPTIONS, name: { type: 'string' }, 'out-dir': { type: 'string' } };

/** parseArgs, with its errors turned into UsageErrors. */
/**
 * `--lr -0.1` as `--lr=-0.1`: parseArgs takes a value that starts with a dash for another flag,
 * but a negative number after a flag that takes a value is that flag's value.
 */
function joinNegativeValues(args: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const flag = args[i].startsWith('--') ? options[args[i].slice(2)] : undefined;
    if (flag?.type === 'string' && i + 1 < args.length && /^-(\d|\.\d)/.test(args[i + 1])) {
      out.push(`${args[i]}=${args[i + 1]}`);
      i++;
    } else {
      out.push(args[i]);
    }
  }
  return out;
}

export function parseFlags(command: string, args: string[], options: Options, positionals = 0) {
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeValues(args, options), options, strict: true, allowPositionals: positionals > 0 });
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message}`);
  }
  if (parsed.positionals.length > positionals) {
    throw new UsageError(`${command}: unexpected argument '${parsed.positionals[positionals]}'`);
  }
  return parsed as { values: Record<string, string | undefined>; positionals: string[] };
}

/** `path`, which `what` (a flag or argument) names, must exist: else an Error (exit 1) naming it. */
export function existingFile(what: string, path: string): string {
  if (!existsSync(path)) throw new Error(`${what}: ${path} does not exist`);
  return path;
}

export function integerFlag(flag: string, text: string, min = 1): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < min) {
    throw new UsageError(`--${flag} must be an integer ≥ ${min}, got '${text}'`);
  }
  return Number(text);
}

function numberFlag(flag: string, text: string): number {
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x) || x < 0) {
    throw new UsageError(`--${flag} must be a finite number ≥ 0, got '${text}'`);
  }
  return x;
}

function hiddenFlag(text: string): number[] {
  if (text.trim() === '') return [];
  return text.split(',').map((w) => integerFlag('hidden', w.trim()));
}

/** The --model flag (default mlp). */
export function modelFlag(values: Record<string, string | undefined>): ModelName {
  const model = (values.model ?? 'mlp') as ModelName;
  if (!MODELS.includes(model)) throw new UsageError(`--model must be one of ${MODELS.join(', ')}, got '${values.model}'`);
  return model;
}

/** The defaults of this optimizer and the --model flag's model, then the shared run flags. */
export function runConfigFromFlags(optimizer: OptimizerName, values: Record<string, string | undefined>): TrainConfig {
  return applyRunFlags(defaultConfig(optimizer, modelFlag(values)), values);
}

/** Applies the shared run flags (epochs, batch size, hidden, seed, data, limit) to a config. */
function applyRunFlags(config: TrainConfig, values: Record<string, string | undefined>): TrainConfig {
  const c = { ...config };
  if (values.epochs !== undefined) c.epochs = integerFlag('epochs', values.epochs);
  if (values['batch-size'] !== undefined) c.batchSize = integerFlag('batch-size', values['batch-size']);
  if (values.hidden !== undefined) {
    if (c.model !== 'mlp') throw new UsageError(`--hidden does not apply to --model ${c.model}`);
    c.hidden = hiddenFlag(values.hidden);
  }
  if (values.seed !== undefined) c.seed = integerFlag('seed', values.seed, 0);
  if (values.limit !== undefined) c.limit = integerFlag('limit', values.limit);
  if (values.data !== undefined) {
    if (!isDataSpec(values.data)) throw new UsageError(`--data must be ${DATA_SPECS}, got '${values.data}'`);
    c.data = values.data;
  }
  return c;
}

/** The config the train flags describe (the optimizer's defaults, then the flags). */
export function trainConfigFromFlags(values: Record<string, string | undefined>): TrainConfig {
  const optimizer = (values.optimizer ?? 'adam') as OptimizerName;
  if (!OPTIMIZERS.includes(optimizer)) {
    throw new UsageError(`--optimizer must be one of ${OPTIMIZERS.join(', ')}, got '${values.optimizer}'`);
  }
  const config = runConfigFromFlags(optimizer, values);
  const applies = configKeys(optimizer, config.model);
  for (const [flag, key] of Object.entries(OPTIMIZER_FLAGS)) {
    const text = values[flag];
    if (text === undefined) continue;
    if (!applies.includes(key)) throw new UsageError(`--${flag} does not apply to --optimizer ${optimizer}`);
    if (key === 'spatialAverage') {
      if (!SPATIAL_AVERAGES.includes(text as (typeof SPATIAL_AVERAGES)[number])) {
        throw new UsageError(`--spatial-average must be one of ${SPATIAL_AVERAGES.join(', ')}, got '${text}'`);
      }
      config.spatialAverage = text as (typeof SPATIAL_AVERAGES)[number];
    } else if (key === 'samples' || key === 'hessianEvery') {
      config[key] = integerFlag(flag, text);
    } else {
      config[key] = numberFlag(flag, text);
    }
  }
  try {
    return checkConfig(config, 'flags');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Flags that set a config: not allowed with --resume, whose config comes from the checkpoint. */
export function configFlagsGiven(values: Record<string, string | undefined>): string[] {
  const configFlags = ['optimizer', ...Object.keys(RUN_OPTIONS), ...Object.keys(OPTIMIZER_FLAGS)];
  return configFlags.filter((f) => values[f] !== undefined);
}
