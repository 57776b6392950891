// Small training runs for the thread tests (an MLP and a CNN): parameter hashes after a few steps.
import { gradAndHessian, nn, np, random, stax, valueAndGrad } from '../../src/index.js';
import { adahessian, adam } from '../../src/optimizers/index.js';
import { paramsSha256 } from '../../src/training/hash.js';

// Big enough that matmuls, tanh, the optimizer steps and the reductions are all split.
const [init, predict] = stax.serial(
  stax.Dense(256), stax.Tanh, stax.Dense(192), stax.Relu, stax.Dense(10), stax.LogSoftmax,
);
const [, params0] = init(random.key(0), [-1, 784]);
const images = random.normal(random.key(1), [128, 784]);
const targets = random.uniform(random.key(2), [128, 10]);
type Params = typeof params0;
const loss = (p: Params, [x, y]: [typeof images, typeof targets]) =>
  np.negative(np.mean(np.sum(np.multiply(predict(p, x), y), 1)));

export interface Hashes {
  adahessian: string;
  adam: string;
}

/** SHA-256 of the MLP's params after `steps` steps of AdaHessian (then Adam) from params0. */
export function trainHashes(steps: number): Promise<Hashes> {
  return trainBoth(loss, params0, [images, targets], steps);
}

/** `steps` AdaHessian steps and, separately, `steps` Adam steps from `start`: both params' hashes. */
async function trainBoth<P, B>(f: (p: P, batch: B) => ReturnType<typeof np.mean>, start: P, batch: B, steps: number): Promise<Hashes> {
  const [ahInit, ahUpdate, ahParams] = adahessian({ stepSize: 0.05 });
  let ah = ahInit(start as never);
  let rng = random.key(3);
  for (let i = 0; i < steps; i++) {
    let probe;
    [rng, probe] = random.split(rng);
    const [g, h] = gradAndHessian(f, [ahParams(ah), batch], probe);
    ah = ahUpdate(i, g, h, ah);
  }
  const [adInit, adUpdate, adParams] = adam({ stepSize: 1e-3 });
  let ad = adInit(start as never);
  for (let i = 0; i < steps; i++) {
    const [, g] = valueAndGrad(f)(adParams(ad), batch);
    ad = adUpdate(i, g, ad);
  }
  return { adahessian: await paramsSha256(ahParams(ah)), adam: await paramsSha256(adParams(ad)) };
}

// A small CNN (conv 3×3×4→32, ReLU, 2×2 max-pool, conv 3×3×32→64, tanh, dense to 10,
// log-softmax) on a batch of 16 images 20×20×4: every convolution kernel is split.
const cnnKeys = random.split(random.key(10), 6);
const cnnParams0 = [
  random.normal(cnnKeys[0], [3, 3, 4, 32]),
  random.normal(cnnKeys[1], [32]),
  random.normal(cnnKeys[2], [3, 3, 32, 64]),
  random.normal(cnnKeys[3], [7 * 7 * 64, 10]),
  random.normal(cnnKeys[4], [10]),
].map((t) => np.multiply(t, 0.1));
const cnnImages = random.normal(cnnKeys[5], [16, 20, 20, 4]);
const cnnTargets = random.uniform(random.key(11), [16, 10]);
type CnnParams = typeof cnnParams0;
const cnnLoss = (p: CnnParams, [x, y]: [typeof cnnImages, typeof cnnTargets]) => {
  let h = nn.relu(np.add(nn.conv2d(x, p[0]), p[1]));
  h = nn.maxPool(h, [2, 2], { strides: [2, 2] });
  h = np.tanh(nn.conv2d(h, p[2]));
  const logits = np.add(np.matmul(np.reshape(h, [16, -1]), p[3]), p[4]);
  return np.negative(np.mean(np.sum(np.multiply(nn.logSoftmax(logits), y), 1)));
};

/** SHA-256 of the CNN's params after `steps` steps of AdaHessian (then Adam). */
export function trainCnnHashes(steps: number): Promise<Hashes> {
  return trainBoth(cnnLoss, cnnParams0, [cnnImages, cnnTargets], steps);
}
