// Drives a Trainer to the end with progress, writing checkpoints on the way if asked. Between
// steps it lets the event loop run, so a SIGINT handler can ask it to stop (see interrupt.ts).
import { setImmediate as nextTurn } from 'node:timers/promises';
import { writeCheckpoint } from './checkpoint.js';
import { checkInterrupt } from './interrupt.js';
import type { Trainer } from '../training/trainer.js';
import type { Progress } from './progress.js';

export interface Checkpointing {
  every: number;
  /** The file for the checkpoint after `step` steps. */
  path(step: number): string;
  /** Called with each file written. */
  written?(path: string): void;
}

export async function runToEnd(
  trainer: Trainer,
  name: string,
  progress: Progress,
  checkpointing?: Checkpointing & { dataSha256: string },
): Promise<void> {
  progress.start(name, trainer);
  let lastCheckpoint: string | null = null;
  try {
    while (!trainer.done) {
      await nextTurn();
      checkInterrupt(
        () =>
          `after step ${trainer.state.step} of ${trainer.totalSteps} of ${name}; ` +
          (lastCheckpoint ? `the last checkpoint is ${lastCheckpoint}` : 'no checkpoint was written'),
      );
      trainer.step({ onStep: (t) => progress.step(t), onEpoch: (m, t) => progress.epoch(m, t) });
      const step = trainer.state.step;
      if (checkpointing && step % checkpointing.every === 0 && !trainer.done) {
        const path = checkpointing.path(step);
        writeCheckpoint(path, { config: trainer.config, dataSha256: checkpointing.dataSha256, state: trainer.state });
        checkpointing.written?.(path);
        lastCheckpoint = path;
      }
    }
  } finally {
    progress.stop();
  }
}
