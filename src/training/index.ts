// adahessian-wasm/training: the training loop, platform-free (no file system, no Node modules), so
// the CLI in Node and a page or worker in a browser run the same code: a run's config, the data
// order, the model and its metrics, one optimizer step, the resumable Trainer, and the params hash.
// Reading data and writing checkpoints and run files is the CLI's part (src/cli/).
export * from './config.js';
export * from './data.js';
export * from './model.js';
export * from './optimizer.js';
export * from './trainer.js';
export * from './hash.js';
