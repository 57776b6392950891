// Drives a Trainer to the end with progress, writing checkpoints on the way if asked.
import { writeCheckpoint } from './checkpoint.js';
import type { Trainer } from '../training/trainer.js';
import type { Progress } from './progress.js';

export interface Checkpointing {
  every: number;
  /** The file for the checkpoint after `step` steps. */
  path(step: number): string;
  /** Called with each file written. */
  written?(path: string): void;
}

export function runToEnd(
  trainer: Trainer,
  name: string,
  progress: Progress,
  checkpointing?: Checkpointing & { dataSha256: string },
): void {
  progress.start(name, trainer);
  try {
    while (!trainer.done) {
      trainer.step({ onStep: (t) => progress.step(t), onEpoch: (m, t) => progress.epoch(m, t) });
      const step = trainer.state.step;
      if (checkpointing && step % checkpointing.every === 0 && !trainer.done) {
        const path = checkpointing.path(step);
        writeCheckpoint(path, { config: trainer.config, dataSha256: checkpointing.dataSha256, state: trainer.state });
        checkpointing.written?.(path);
      }
    }
  } finally {
    progress.stop();
  }
}
