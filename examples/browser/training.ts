// One training run of the demo, written with the package's public API only, as a user would.
// It is the loop of the CLI (src/training/trainer.ts) step for step, so the same configuration
// gives the same parameters, bit for bit, here in a browser worker, here in Node, and in
// `adahessian-wasm train` (tests/browser.test.ts checks all three):
//
//   key = key(seed), used as the seed's examples (examples/mnist_*.ts) use their one key:
//   params = init(key, [-1, 784])                     the MLP, stax as JAX's mnist_classifier
//   epoch e visits the training digits in the order permutation(foldIn(key, e), n),
//   batch by batch (the last one may be smaller); step i on a batch:
//     Adam:        g = grad(loss);                                     update(i, g, state)
//     AdaHessian:  rng, rngStep = split(rng) (rng starts as key);
//                  g, h = gradAndHessian(loss, [params, batch], rngStep); update(i, g, h, state)
import { np, random, stax, Tensor, tree, valueAndGrad, valueGradAndHessian } from 'adahessian-wasm';
import { adahessian, adam, type OptimizerState } from 'adahessian-wasm/optimizers';
import { OPTIMIZER_SETTINGS, type DemoConfig, type OptimizerName } from './config.js';
import type { Digits } from './digits-file.js';

type Key = ReturnType<typeof random.key>;
type Batch = [images: Tensor, labels: Tensor];

/** AdaHessian's |h| averaged over each output unit's inputs (our dense weights are [in, out]). */
const perOutputUnit = (shape: readonly number[]) => (shape.length === 2 ? [0] : []);

export interface Evaluation {
  loss: number;
  accuracy: number;
}

/** The first `rows` rows of a [n, width] tensor (a view, not a copy). */
function firstRows(t: Tensor, rows: number): Tensor {
  const width = t.shape[1];
  return new Tensor(t.data.subarray(0, rows * width), [rows, width]);
}

/** Rows `order` of a [n, width] tensor, in that order. */
function gatherRows(t: Tensor, order: Int32Array): Tensor {
  const width = t.shape[1];
  const out = new Float32Array(order.length * width);
  order.forEach((r, i) => out.set(t.data.subarray(r * width, (r + 1) * width), i * width));
  return new Tensor(out, [order.length, width]);
}

export class DemoRun {
  readonly optimizer: OptimizerName;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  /** Steps taken so far: the next update is update(step, ...). */
  step = 0;
  private readonly predict: stax.ApplyFun;
  private readonly images: Tensor;
  private readonly labels: Tensor;
  private readonly batchSize: number;
  private readonly dataKey: Key;
  private probeKey: Key;
  private state: OptimizerState;
  private readonly getParams: (state: OptimizerState) => unknown;
  /** update i on `batch`: the batch loss (before the update) and the new state. */
  private readonly takeStep: (i: number, state: OptimizerState, batch: Batch) => { loss: Tensor; state: OptimizerState };
  private order: { epoch: number; rows: Int32Array } | null = null;

  constructor(optimizer: OptimizerName, config: DemoConfig, data: Digits) {
    this.optimizer = optimizer;
    this.batchSize = config.batchSize;
    const n = config.limit === null ? data.trainImages.shape[0] : Math.min(config.limit, data.trainImages.shape[0]);
    this.images = firstRows(data.trainImages, n);
    this.labels = firstRows(data.trainLabels, n);
    this.stepsPerEpoch = Math.ceil(n / config.batchSize);
    this.totalSteps = this.stepsPerEpoch * config.epochs;

    const layers = config.hidden.flatMap((h) => [stax.Dense(h), stax.Relu]);
    const [init, predict] = stax.serial(...layers, stax.Dense(data.trainLabels.shape[1]), stax.LogSoftmax);
    this.predict = predict;
    const loss = (params: unknown, [inputs, targets]: Batch): Tensor =>
      np.negative(np.mean(np.sum(np.multiply(predict(params, inputs), targets), 1)));

    const key = random.key(config.seed);
    this.dataKey = key;
    this.probeKey = key;
    const [, params] = init(key, [-1, data.trainImages.shape[1]]);

    if (optimizer === 'adahessian') {
      const { lr, eps } = OPTIMIZER_SETTINGS.adahessian;
      const [initState, update, getParams] = adahessian({ stepSize: lr, eps, spatialAverage: perOutputUnit });
      this.state = initState(params);
      this.getParams = getParams;
      this.takeStep = (i, state, batch) => {
        const [nextKey, stepKey] = random.split(this.probeKey);
        this.probeKey = nextKey;
        const [value, g, h] = valueGradAndHessian(loss, [getParams(state), batch], stepKey);
        return { loss: value, state: update(i, g, h, state) };
      };
    } else {
      const { lr, eps } = OPTIMIZER_SETTINGS.adam;
      const [initState, update, getParams] = adam({ stepSize: lr, eps });
      const lossAndGrad = valueAndGrad(loss as (...args: unknown[]) => Tensor);
      this.state = initState(params);
      this.getParams = getParams;
      this.takeStep = (i, state, batch) => {
        const [value, g] = lossAndGrad(getParams(state), batch);
        return { loss: value, state: update(i, g, state) };
      };
    }
  }

  get done(): boolean {
    return this.step >= this.totalSteps;
  }

  /** The epoch reached, fractional: 1.5 is halfway through the second epoch. */
  get epoch(): number {
    return this.step / this.stepsPerEpoch;
  }

  params(): unknown {
    return this.getParams(this.state);
  }

  /** Takes one step; returns the loss of its batch before the update. */
  next(): number {
    if (this.done) throw new RangeError(`the run is complete (${this.totalSteps} steps)`);
    const epoch = Math.floor(this.step / this.stepsPerEpoch);
    if (this.order?.epoch !== epoch) {
      this.order = { epoch, rows: random.permutation(random.foldIn(this.dataKey, epoch), this.images.shape[0]) };
    }
    const b = this.step % this.stepsPerEpoch;
    const rows = this.order.rows.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, this.order.rows.length));
    const batch: Batch = [gatherRows(this.images, rows), gatherRows(this.labels, rows)];
    const { loss, state } = this.takeStep(this.step, this.state, batch);
    this.state = state;
    this.step++;
    return loss.item();
  }

  /** Mean loss and accuracy over `images`/`labels`, in chunks of 1,000 rows (sums in float64). */
  evaluate(images: Tensor, labels: Tensor): Evaluation {
    const n = images.shape[0];
    const width = images.shape[1];
    const classes = labels.shape[1];
    const params = this.params();
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < n; start += 1000) {
      const rows = Math.min(1000, n - start);
      const x = new Tensor(images.data.subarray(start * width, (start + rows) * width), [rows, width]);
      const y = new Tensor(labels.data.subarray(start * classes, (start + rows) * classes), [rows, classes]);
      const preds = this.predict(params, x);
      lossSum -= np.sum(np.multiply(preds, y)).item();
      const predicted = np.argmax(preds, 1).data;
      const target = np.argmax(y, 1).data;
      for (let i = 0; i < rows; i++) if (predicted[i] === target[i]) correct++;
    }
    return { loss: lossSum / n, accuracy: correct / n };
  }

  /** The predicted class of each row of `images`. */
  classify(images: Tensor): number[] {
    return Array.from(np.argmax(this.predict(this.params(), images), 1).data);
  }
}

/**
 * SHA-256 of the parameters, with Web Crypto (browsers and Node ≥ 20): over the float32 bytes of
 * the leaves in tree order, little-endian. The same definition as the CLI's run files
 * (src/training/hash.ts), so the hashes can be compared across Node, browsers and `verify`.
 */
export async function paramsSha256(params: unknown): Promise<string> {
  const leaves = tree.leaves(params) as Tensor[];
  const bytes = new Uint8Array(leaves.reduce((n, leaf) => n + 4 * leaf.data.length, 0));
  const view = new DataView(bytes.buffer);
  let offset = 0;
  for (const leaf of leaves) {
    for (const v of leaf.data) {
      view.setFloat32(offset, v, true);
      offset += 4;
    }
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
