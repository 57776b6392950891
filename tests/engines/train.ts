// The short training run that tests/engines.test.ts repeats in every JavaScript engine: the
// package as a user installs it (dist/, through its "exports"), its training core
// (adahessian-wasm/training, which the CLI and the browser demo also run) on the first digits of
// the real MNIST, each optimizer's parameters hashed with SHA-256.
//
// In Node the test imports it; in Bun (JavaScriptCore) it runs as a script and prints the hashes
// as JSON: `bun tests/engines/train.ts`. The browsers run the same run in the demo page
// (examples/browser), whose configuration is RUN.
import { mnist } from 'adahessian-wasm/datasets';
import { Trainer, firstExamples } from 'adahessian-wasm/training';
import { trainConfigFor } from '../../examples/browser/train-config.js';
import type { DemoConfig, OptimizerName } from '../../examples/browser/config.js';

/** 640 digits in batches of 32: 20 steps of AdaHessian and 20 of Adam on a 784-32-10 MLP. */
export const RUN: DemoConfig = { optimizers: ['adahessian', 'adam'], hidden: [32], batchSize: 32, epochs: 1, limit: 640, seed: 20_240_611 };

/** 64 digits in batches of 32: 2 steps of AdaHessian ('conv' averaging) and 2 of Adam on the CLI's CNN. */
export const CNN_RUN: DemoConfig = { ...RUN, model: 'cnn', hidden: [], limit: 64 };

export type Hashes = Partial<Record<OptimizerName, string>>;

/** Trains RUN's runs as `adahessian-wasm train --optimizer <name>` would, and hashes their parameters. */
export async function trainedHashes(run: DemoConfig = RUN): Promise<Hashes> {
  const hashes: Hashes = {};
  const data = mnist();
  for (const optimizer of run.optimizers) {
    const config = trainConfigFor(optimizer, run);
    const trainer = new Trainer(config, firstExamples(data, config.limit));
    while (!trainer.done) trainer.step();
    hashes[optimizer] = await trainer.paramsSha256();
  }
  return hashes;
}

/** Bun's global (absent in Node). */
declare const Bun: { version: string } | undefined;

// Run as Bun's main module: print the hashes for the test to read.
if (typeof Bun !== 'undefined' && (import.meta as { main?: boolean }).main) {
  console.log(JSON.stringify({ engine: `Bun ${Bun.version}`, hashes: await trainedHashes(), cnnHashes: await trainedHashes(CNN_RUN) }));
}
