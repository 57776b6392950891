// The training worker: loads the digits, then trains every configured run, one step of each in
// turn, posting each batch loss, test-set metrics a few times per epoch, and the final hash.
// All the numeric work happens here, so the page's main thread only draws.
//
// The runs are the package's own training loop (adahessian-wasm/training, which the CLI runs
// too), so the same configuration gives the same parameters, bit for bit, here and in
// `adahessian-wasm train` (tests/browser.test.ts checks it).
import { np, Tensor, threadsReady, tree } from 'adahessian-wasm';
import { Trainer, evaluate, firstExamples } from 'adahessian-wasm/training';
import { trainConfigFor } from './train-config.js';
import { decodeDigits, type Digits } from './digits-file.js';
import { SAMPLE_DIGITS, type StartMessage, type WorkerMessage } from './messages.js';

/** How often per epoch the test set is evaluated. */
const EVALS_PER_EPOCH = 4;

const post = (message: WorkerMessage) => postMessage(message);


async function loadDigits(): Promise<Digits> {
  const url = new URL('./mnist-digits.bin', import.meta.url);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} (was the demo built with npm run build:demo?)`);
  return decodeDigits(new Uint8Array(await response.arrayBuffer()), url.pathname);
}

async function train({ config }: StartMessage): Promise<void> {
  const data = await loadDigits();
  const samples = np.take(data.testImages, Array.from({ length: SAMPLE_DIGITS }, (_, i) => i), 0);
  const sampleClasses = Array.from(np.argmax(np.take(data.testLabels, Array.from({ length: SAMPLE_DIGITS }, (_, i) => i), 0), 1).data);
  post({ type: 'data', trainCount: data.trainImages.shape[0], testCount: data.testImages.shape[0], samples: samples.data, sampleClasses });

  const runs = config.optimizers.map((optimizer) => {
    const trainConfig = trainConfigFor(optimizer, config);
    return { optimizer, trainer: new Trainer(trainConfig, firstExamples(data, trainConfig.limit)), seconds: 0 };
  });
  const report = ({ optimizer, trainer }: (typeof runs)[number]) => {
    const params = trainer.params();
    const { loss, accuracy } = evaluate(trainer.apply, params, data.testImages, data.testLabels);
    const { step } = trainer.state;
    post({
      type: 'eval',
      optimizer,
      step,
      epoch: step / trainer.stepsPerEpoch,
      testLoss: loss,
      testAccuracy: accuracy,
      predictions: Array.from(np.argmax(trainer.apply(params, samples), 1).data),
    });
  };
  runs.forEach(report);

  while (runs.some(({ trainer }) => !trainer.done)) {
    for (const run of runs) {
      const { optimizer, trainer } = run;
      if (trainer.done) continue;
      const started = performance.now();
      trainer.step();
      run.seconds += (performance.now() - started) / 1000;
      const { step, batchLosses } = trainer.state;
      post({ type: 'step', optimizer, step, epoch: step / trainer.stepsPerEpoch, loss: batchLosses[step - 1] });
      const evalEvery = Math.max(1, Math.round(trainer.stepsPerEpoch / EVALS_PER_EPOCH));
      if (step % evalEvery === 0 || step % trainer.stepsPerEpoch === 0 || trainer.done) report(run);
      if (trainer.done) {
        post({
          type: 'done',
          optimizer,
          steps: step,
          parameters: (tree.leaves(trainer.params()) as Tensor[]).reduce((n, leaf) => n + leaf.data.length, 0),
          seconds: run.seconds,
          sha256: await trainer.paramsSha256(),
        });
      }
    }
  }
  post({ type: 'finished' });
}

onmessage = (event: MessageEvent<StartMessage>) => {
  train(event.data).catch((e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
};

// Importing the package instantiates its wasm with top-level await, so this module finishes
// evaluating (and sets onmessage) only after that: a message the page posted right after
// new Worker() can arrive before there is a handler and be lost. So the page waits for this.
// Before that, the thread pool is started (if the page is cross-origin isolated), so that every
// step uses all its threads.
post({ type: 'ready', threads: await threadsReady(), isolated: globalThis.crossOriginIsolated === true });
