// Training runs for the CLI and the examples: config, data order, model, loop, checkpoints, run files, plots.
export * from './config.js';
export * from './data.js';
export * from './model.js';
export * from './optimizer.js';
export * from './trainer.js';
export * from './hash.js';
export * from './checkpoint.js';
export * from './record.js';
export * from './plot.js';
export * from './table.js';
