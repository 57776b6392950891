// A small training run for the thread tests: its parameter hashes after a few steps.
import { gradAndHessian, np, random, stax, valueAndGrad } from '../../src/index.js';
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

/** SHA-256 of the params after `steps` steps of AdaHessian (then Adam) from params0. */
export function trainHashes(steps: number): { adahessian: string; adam: string } {
  const [ahInit, ahUpdate, ahParams] = adahessian({ stepSize: 0.05 });
  let ah = ahInit(params0);
  let rng = random.key(3);
  for (let i = 0; i < steps; i++) {
    let probe;
    [rng, probe] = random.split(rng);
    const [g, h] = gradAndHessian(loss, [ahParams(ah), [images, targets]], probe);
    ah = ahUpdate(i, g, h, ah);
  }
  const [adInit, adUpdate, adParams] = adam({ stepSize: 1e-3 });
  let ad = adInit(params0);
  for (let i = 0; i < steps; i++) {
    const [, g] = valueAndGrad(loss)(adParams(ad), [images, targets]);
    ad = adUpdate(i, g, ad);
  }
  return { adahessian: paramsSha256(ahParams(ah)), adam: paramsSha256(adParams(ad)) };
}

