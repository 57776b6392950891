// The training worker: loads the digits, then trains every configured run, one step of each in
// turn, posting each batch loss, test-set metrics a few times per epoch, and the final hash.
// All the numeric work happens here, so the page's main thread only draws.
import { Tensor, tree } from 'adahessian-wasm';
import { decodeDigits, type Digits } from './digits-file.js';
import { SAMPLE_DIGITS, type StartMessage, type WorkerMessage } from './messages.js';
import { DemoRun, paramsSha256 } from './training.js';

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
  const width = data.testImages.shape[1];
  const classes = data.testLabels.shape[1];
  const samples = new Tensor(data.testImages.data.slice(0, SAMPLE_DIGITS * width), [SAMPLE_DIGITS, width]);
  const sampleClasses = Array.from({ length: SAMPLE_DIGITS }, (_, i) => data.testLabels.data.subarray(i * classes, (i + 1) * classes).indexOf(1));
  post({ type: 'data', trainCount: data.trainImages.shape[0], testCount: data.testImages.shape[0], samples: samples.data, sampleClasses });

  const runs = config.optimizers.map((optimizer) => ({ run: new DemoRun(optimizer, config, data), seconds: 0 }));
  const evaluate = (run: DemoRun) => {
    const { loss, accuracy } = run.evaluate(data.testImages, data.testLabels);
    post({
      type: 'eval',
      optimizer: run.optimizer,
      step: run.step,
      epoch: run.epoch,
      testLoss: loss,
      testAccuracy: accuracy,
      predictions: run.classify(samples),
    });
  };
  runs.forEach(({ run }) => evaluate(run));

  while (runs.some(({ run }) => !run.done)) {
    for (const entry of runs) {
      const { run } = entry;
      if (run.done) continue;
      const started = performance.now();
      const loss = run.next();
      entry.seconds += (performance.now() - started) / 1000;
      post({ type: 'step', optimizer: run.optimizer, step: run.step, epoch: run.epoch, loss });
      const evalEvery = Math.max(1, Math.round(run.stepsPerEpoch / EVALS_PER_EPOCH));
      if (run.step % evalEvery === 0 || run.step % run.stepsPerEpoch === 0 || run.done) evaluate(run);
      if (run.done) {
        const params = run.params();
        post({
          type: 'done',
          optimizer: run.optimizer,
          steps: run.step,
          parameters: (tree.leaves(params) as Tensor[]).reduce((n, leaf) => n + leaf.data.length, 0),
          seconds: entry.seconds,
          sha256: await paramsSha256(params),
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
post({ type: 'ready' });
