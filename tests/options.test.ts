// Options objects everywhere reject keys they do not know: a typo such as `{ sample: 4 }` for
// `samples` throws a TypeError naming the key and the known ones, instead of being ignored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradAndHessian, nn, np, random, stax, tensor, valueGradAndHessian, type Tensor } from '../src/index.js';
import { adahessian, adam, momentum, sgd } from '../src/optimizers/index.js';
import { Adahessian, Adam } from '../src/flax.js';

const w = tensor([[1, 2], [3, 4]]);
const loss = (p: Tensor) => np.sum(np.square(p));
const x = random.normal(random.key(1), [1, 4, 4, 1]);
const kernel = random.normal(random.key(2), [2, 2, 1, 1]);

function rejects(what: string, call: () => unknown, key: string, known: string): void {
  assert.throws(
    call,
    (e: Error) => e instanceof TypeError && e.message.includes(`unknown option '${key}'`) && e.message.includes(known),
    what,
  );
}

test('unknown option keys are rejected by every function that takes options', () => {
  const bad = { sample: 4 } as never;
  rejects('gradAndHessian', () => gradAndHessian(loss, [w], random.key(0), 0, bad), 'sample', 'samples');
  rejects('valueGradAndHessian', () => valueGradAndHessian(loss, [w], random.key(0), 0, bad), 'sample', 'samples');
  rejects('adahessian', () => adahessian({ stepsize: 0.1 } as never), 'stepsize', 'stepSize');
  rejects('adam', () => adam({ lr: 0.1 } as never), 'lr', 'stepSize');
  rejects('sgd', () => sgd({ stepSize: 0.1, mass: 0.9 } as never), 'mass', 'stepSize');
  rejects('momentum', () => momentum({ stepSize: 0.1, momentum: 0.9 } as never), 'momentum', 'mass');
  rejects('flax Adahessian', () => new Adahessian({ lr: 0.1 } as never), 'lr', 'learningRate');
  rejects('flax Adam', () => new Adam({ beta: 0.9 } as never), 'beta', 'beta1');
  const optimizer = new Adahessian().create([w]);
  rejects('flax applyGradient overrides', () => optimizer.applyGradient([w], [w], { stepSize: 1 } as never), 'stepSize', 'learningRate');
  rejects('stax.BatchNorm', () => stax.BatchNorm({ eps: 1e-3 } as never), 'eps', 'epsilon');
  assert.throws(() => nn.conv2d(x, kernel, { stride: [2, 2] } as never), /unknown option 'stride' \(expected strides, padding\)/);
  assert.throws(() => nn.maxPool(x, [2, 2], { pad: 'SAME' } as never), /unknown option 'pad'/);
});

test('the same functions accept their documented options', () => {
  const [g, h] = gradAndHessian(loss, [w], random.key(0), 0, { samples: 2 });
  assert.deepEqual(Array.from((g as Tensor).data), [2, 4, 6, 8]);
  assert.deepEqual(Array.from((h as Tensor).data), [2, 2, 2, 2], 'v ⊙ Hv with H = 2I and v = ±1');
  adahessian({ stepSize: 0.1, b1: 0.9, b2: 0.999, eps: 1e-8, weightDecay: 0, hessianPower: 1, spatialAverage: 'last' });
  momentum({ stepSize: 0.1, mass: 0.9 });
  stax.BatchNorm({ axis: [0], epsilon: 1e-3, center: true, scale: false });
  assert.deepEqual(nn.conv2d(x, kernel, { strides: [2, 2], padding: 'VALID' }).shape, [1, 2, 2, 1]);
});
