// A small CNN on the real MNIST, trained with Adam and then with AdaHessian: the kind of model
// AdaHessian was designed for (its spatial averaging is for convolution kernels). Run it with
// `npx tsx examples/mnist_cnn.ts [adam|adahessian|both] [epochs]` after `npm ci` (the package
// imports itself by name from dist/); defaults: both, 1 epoch.
//
// Model (JAX stax, NHWC images, HWIO kernels): Conv 32 3×3 VALID → ReLU → MaxPool 2×2/2 →
// Conv 64 3×3 VALID → ReLU → MaxPool 2×2/2 → Flatten → Dense 10 → LogSoftmax; batch 128.
// Adam: lr 1e-3. AdaHessian: the PyTorch reference's image-classification settings, lr 0.15,
// eps 1e-4, |Hv| of each conv kernel averaged over its 3×3 window (spatialAverage 'conv').
import { dispose, gradAndHessian, grad, np, random, stax, Tensor } from 'adahessian-wasm';
import { adahessian, adam, type OptimizerState } from 'adahessian-wasm/optimizers';
import { mnist } from 'adahessian-wasm/datasets';

const { Conv, Relu, MaxPool, Flatten, Dense, LogSoftmax } = stax;
type Batch = [images: Tensor, labels: Tensor];

const [initRandomParams, predict] = stax.serial(
  Conv(32, [3, 3]), Relu, MaxPool([2, 2], [2, 2]),
  Conv(64, [3, 3]), Relu, MaxPool([2, 2], [2, 2]),
  Flatten, Dense(10), LogSoftmax,
);

/** Flat [n, 784] rows as NHWC images [n, 28, 28, 1]. */
const asImages = (rows: Tensor) => np.reshape(rows, [rows.shape[0], 28, 28, 1]);

function loss(params: unknown, [images, targets]: Batch): Tensor {
  const preds = predict(params, asImages(images));
  return np.negative(np.mean(np.sum(np.multiply(preds, targets), 1)));
}

/** Rows [start, start + count) of a [n, width] tensor, without copying. */
function rows(t: Tensor, start: number, count: number): Tensor {
  const width = t.shape[1];
  return new Tensor(t.data.subarray(start * width, (start + count) * width), [count, width]);
}

/** Test accuracy, in chunks of 1,000 images (a whole set at once would need gigabytes of activations). */
function accuracy(params: unknown, images: Tensor, labels: Tensor): number {
  let correct = 0;
  for (let start = 0; start < images.shape[0]; start += 1000) {
    const count = Math.min(1000, images.shape[0] - start);
    const predicted = np.argmax(predict(params, asImages(rows(images, start, count))), 1).data;
    const target = np.argmax(rows(labels, start, count), 1).data;
    predicted.forEach((c, i) => (correct += c === target[i] ? 1 : 0));
  }
  return correct / images.shape[0];
}

/** Batch `b` of an epoch's permutation (the last one may be smaller), gathered row by row. */
function batchOf(perm: Int32Array, b: number, batchSize: number, images: Tensor, labels: Tensor): Batch {
  const idx = perm.subarray(b * batchSize, (b + 1) * batchSize);
  const gather = (t: Tensor) => {
    const width = t.shape[1];
    const out = new Float32Array(idx.length * width);
    idx.forEach((r, i) => out.set(t.data.subarray(r * width, (r + 1) * width), i * width));
    return new Tensor(out, [idx.length, width]);
  };
  return [gather(images), gather(labels)];
}

const { trainImages, trainLabels, testImages, testLabels } = mnist();
const batchSize = 128;
const numBatches = Math.ceil(trainImages.shape[0] / batchSize);
const which = process.argv[2] ?? 'both';
const numEpochs = Number(process.argv[3] ?? 1);
if (!['adam', 'adahessian', 'both'].includes(which) || !(numEpochs >= 1)) {
  throw new RangeError('usage: mnist_cnn.ts [adam|adahessian|both] [epochs ≥ 1]');
}

/** Trains from key(0) (same init, same batches for both optimizers) and prints each epoch. */
function train(name: 'adam' | 'adahessian'): void {
  const key = random.key(0);
  const [, initParams] = initRandomParams(key, [-1, 28, 28, 1]);
  // One step: Adam takes the gradient; AdaHessian also the Hutchinson estimate with a fresh probe key.
  let step: (i: number, state: OptimizerState, batch: Batch) => OptimizerState;
  let getParams: (state: OptimizerState) => unknown;
  let state: OptimizerState;
  let rng = key;
  if (name === 'adam') {
    const [init, update, get] = adam({ stepSize: 1e-3 });
    [state, getParams] = [init(initParams), get];
    step = (i, s, batch) => {
      const gradient = grad(loss)(getParams(s), batch);
      const next = update(i, gradient, s);
      dispose([gradient, s]); // their wasm memory goes back now, not at some later GC
      return next;
    };
  } else {
    const [init, update, get] = adahessian({ stepSize: 0.15, eps: 1e-4, spatialAverage: 'conv' });
    [state, getParams] = [init(initParams), get];
    step = (i, s, batch) => {
      let rngStep: random.Key;
      [rng, rngStep] = random.split(rng);
      const [gradient, hessian] = gradAndHessian(loss, [getParams(s), batch], rngStep);
      const next = update(i, gradient, hessian, s);
      dispose([gradient, hessian, s]);
      return next;
    };
  }
  console.log(`\n${name}: training...`);
  let i = 0;
  for (let epoch = 0; epoch < numEpochs; epoch++) {
    const perm = random.permutation(random.foldIn(key, epoch), trainImages.shape[0]);
    const started = performance.now();
    for (let b = 0; b < numBatches; b++) state = step(i++, state, batchOf(perm, b, batchSize, trainImages, trainLabels));
    const seconds = (performance.now() - started) / 1000;
    const testAcc = accuracy(getParams(state), testImages, testLabels);
    console.log(`${name} epoch ${epoch + 1} in ${seconds.toFixed(1)} s: test accuracy ${(100 * testAcc).toFixed(2)} %`);
  }
}

for (const name of ['adam', 'adahessian'] as const) if (which === name || which === 'both') train(name);
