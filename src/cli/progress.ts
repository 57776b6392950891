// Progress on stderr: on a terminal, a cli-progress bar with one line per finished epoch above it;
// otherwise (a pipe, a log file, CI) plain lines only, one per epoch.
//
// The training loop never yields to the event loop, so the bar must redraw synchronously on
// update(): cli-progress's SingleBar does (its MultiBar only redraws on a timer).
import cliProgress from 'cli-progress';
import type { EpochMetrics, Trainer } from '../training/index.js';

export interface Progress {
  start(name: string, trainer: Trainer): void;
  step(trainer: Trainer): void;
  epoch(metrics: EpochMetrics, trainer: Trainer): void;
  stop(): void;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const percent = (a: number) => `${(a * 100).toFixed(2)} %`;

export function epochLine(name: string, m: EpochMetrics, epochs: number): string {
  return (
    `[${name}] epoch ${m.epoch}/${epochs} in ${m.seconds.toFixed(2)} s · ` +
    `train acc ${percent(m.trainAccuracy)} · test acc ${percent(m.testAccuracy)} · test loss ${m.testLoss.toFixed(4)}`
  );
}

export function makeProgress(stream: NodeJS.WriteStream | NodeJS.WritableStream = process.stderr): Progress {
  return 'isTTY' in stream && stream.isTTY ? barProgress(stream) : lineProgress(stream);
}

function lineProgress(stream: NodeJS.WritableStream): Progress {
  let name = '';
  return {
    start(n, trainer) {
      name = n;
      const c = trainer.config;
      const from = trainer.state.step > 0 ? `, resuming at step ${trainer.state.step}` : '';
      stream.write(
        `[${name}] ${c.optimizer}, ${trainer.totalSteps} steps (${plural(c.epochs, 'epoch', 'epochs')} of ${plural(trainer.stepsPerEpoch, 'batch', 'batches')})${from}\n`,
      );
    },
    step() {},
    epoch(m, trainer) {
      stream.write(epochLine(name, m, trainer.config.epochs) + '\n');
    },
    stop() {},
  };
}

function barProgress(stream: NodeJS.WriteStream): Progress {
  let name = '';
  let bar: cliProgress.SingleBar | null = null;
  return {
    start(n, trainer) {
      name = n;
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: `${name.padEnd(12)} {bar} {value}/{total} steps · epoch {epoch} · loss {loss} · {rate} steps/s · ETA {eta_formatted}`,
          barsize: 24,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(trainer.totalSteps, trainer.state.step, { epoch: trainer.state.epoch + 1, loss: '-', rate: '-' });
    },
    step(trainer) {
      const s = trainer.state;
      const rate = s.epochSeconds > 0 ? (s.batch / s.epochSeconds).toFixed(1) : '-';
      const loss = s.batchLosses[s.batchLosses.length - 1];
      bar?.update(s.step, { epoch: Math.min(s.epoch + 1, trainer.config.epochs), loss: loss.toFixed(4), rate });
    },
    epoch(m, trainer) {
      // clear the bar's line, print the epoch above it, draw the bar again
      stream.write(`\r\x1b[2K${epochLine(name, m, trainer.config.epochs)}\n`);
      bar?.render();
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
