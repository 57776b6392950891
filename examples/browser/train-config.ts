// The training core's config of one demo run: the CLI's defaults of `adahessian-wasm train
// --optimizer <name> --model <model>` with the demo's model, batches, epochs, limit and seed.
import { checkConfig, defaultConfig, type TrainConfig } from 'adahessian-wasm/training';
import type { DemoConfig, OptimizerName } from './config.js';

export function trainConfigFor(optimizer: OptimizerName, { model = 'mlp', hidden, batchSize, epochs, limit, seed }: DemoConfig): TrainConfig {
  return checkConfig({ ...defaultConfig(optimizer, model), ...(model === 'mlp' ? { hidden } : {}), batchSize, epochs, limit, seed });
}
