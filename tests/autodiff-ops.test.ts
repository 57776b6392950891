// Every op's gradient and Hessian-vector product against central differences of an independent
// float64 implementation (tests/helpers/reference.ts). Each case is one function written once and
// run on both libraries: L = np+nn (float32, exact autodiff) and L = the float64 reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np, nn, tensor, hvp, valueAndGrad, Tensor } from '../src/index.js';
import * as R from './helpers/reference.js';
import { check, data, type Case } from './helpers/finite-differences.js';

// f(x) = Σ w·op(x) + (Σ u·op(x))²: both f' and f'' of the op matter, and the Hessian is not diagonal
const unaryCase = (name: string, range?: [number, number]): Case => ({
  name,
  shapes: [[3, 4]],
  range,
  f: (L, [x], c) => {
    const y = L[name](x);
    return L.add(L.sum(L.multiply(c(null, [3, 4]), y)), L.square(L.sum(L.multiply(c(null, [3, 4]), y))));
  },
});

const cases: Case[] = [
  unaryCase('square'),
  unaryCase('sqrt', [0.5, 2]),
  unaryCase('exp'),
  unaryCase('log', [0.5, 2]),
  unaryCase('tanh'),
  unaryCase('relu', [0.05, 1]),
  unaryCase('sigmoid'),
  unaryCase('softplus'),
  unaryCase('gelu', [-2, 2]),
  unaryCase('negative'),
];

// binary ops with broadcasting; both operands differentiated; tanh makes the result curved
for (const op of ['add', 'subtract', 'multiply', 'divide']) {
  for (const [sa, sb] of [
    [[3, 4], [3, 4]],
    [[3, 4], [4]],
    [[3, 1], [1, 4]],
    [[2, 3], []],
  ]) {
    cases.push({
      name: `${op} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`,
      shapes: [sa, sb],
      range: op === 'divide' ? [0.5, 1.5] : undefined,
      f: (L, [a, b]) => L.sum(L.tanh(L[op](a, b))),
    });
  }
  cases.push({
    name: `${op} with numbers`,
    shapes: [[2, 3]],
    range: [0.5, 1.5],
    f: (L, [a]) => L.sum(L.tanh(L[op](L[op](a, 0.75), L.square(a)))),
  });
}

// reductions over each axis, several axes, all axes, with and without keepdims
for (const red of ['sum', 'mean', 'max']) {
  for (const [axis, keepdims] of [
    [0, false],
    [1, true],
    [-1, false],
    [[0, 2], false],
    [undefined, true],
  ] as const) {
    cases.push({
      name: `${red} axis=${JSON.stringify(axis)} keepdims=${keepdims}`,
      shapes: [[2, 3, 4]],
      f: (L, [x]) => L.sum(L.tanh(L.multiply(L[red](L.tanh(x), axis, keepdims), 1.5))),
    });
  }
}

cases.push(
  {
    name: 'reshape and transpose',
    shapes: [[2, 3, 4]],
    f: (L, [x], c) =>
      L.sum(L.multiply(L.tanh(L.transpose(L.reshape(x, [4, -1, 2]), [2, 0, 1])), c(null, [2, 4, 3]))),
  },
  {
    name: 'transpose 2-D',
    shapes: [[3, 4]],
    f: (L, [x], c) => L.sum(L.tanh(L.matmul(L.transpose(x), c(null, [3, 2])))),
  },
  {
    name: 'take along each axis and flattened, with repeated and negative indices',
    shapes: [[3, 4]],
    f: (L, [x], c) =>
      L.add(
        L.add(L.sum(L.tanh(L.multiply(L.take(x, [2, 0, 2, -3], 0), c(null, [4, 4])))), L.sum(L.square(L.take(L.tanh(x), [3, 1], 1)))),
        L.sum(L.tanh(L.take(x, [11, 0, 5, 5]))),
      ),
  },
  {
    name: 'matmul, both operands',
    shapes: [[3, 4], [4, 5]],
    f: (L, [a, b]) => L.sum(L.tanh(L.matmul(a, b))),
  },
  {
    name: 'dot: vector·vector, matrix·vector, vector·matrix',
    shapes: [[4], [3, 4]],
    f: (L, [u, m]) =>
      L.add(L.add(L.tanh(L.dot(u, u)), L.sum(L.tanh(L.dot(m, u)))), L.sum(L.tanh(L.dot(u, L.transpose(m))))),
  },
  {
    name: 'dense with bias (x, W, b all differentiated)',
    shapes: [[3, 4], [4, 5], [5]],
    f: (L, [x, w, b]) => L.sum(L.tanh(L.dense(x, w, b))),
  },
  {
    name: 'logSoftmax cross-entropy',
    shapes: [[4, 3]],
    f: (L, [x], c) => L.negative(L.mean(L.sum(L.multiply(L.logSoftmax(x), c([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0], [4, 3])), 1))),
  },
  {
    name: 'logSoftmax axis 0',
    shapes: [[4, 3]],
    f: (L, [x], c) => L.sum(L.multiply(L.logSoftmax(x, 0), c(null, [4, 3]))),
  },
  {
    name: 'softmax',
    shapes: [[2, 5]],
    f: (L, [x], c) => L.sum(L.multiply(L.softmax(x), c(null, [2, 5]))),
  },
  {
    name: 'logsumexp',
    shapes: [[3, 4]],
    f: (L, [x]) => L.add(L.sum(L.logsumexp(x, 1)), L.logsumexp(x)),
  },
  {
    name: 'standardize over the last axis',
    shapes: [[3, 4]],
    f: (L, [x], c) => L.sum(L.multiply(L.tanh(L.standardize(x)), c(null, [3, 4]))),
  },
  {
    // stax.BatchNorm's computation (tests/stax-conv.test.ts checks the layer computes exactly this)
    name: 'BatchNorm: gamma · standardize(x, [0, 1, 2]) + beta, with x, gamma and beta differentiated',
    shapes: [[2, 3, 3, 2], [2], [2]],
    f: (L, [x, gamma, beta], c) =>
      L.sum(L.multiply(L.tanh(L.add(L.multiply(L.standardize(x, [0, 1, 2], 1e-5), gamma), beta)), c(null, [2, 3, 3, 2]))),
  },
  {
    name: 'two-layer tanh MLP, params only',
    shapes: [[4, 5], [5], [5, 3], [3]],
    f: (L, [w1, b1, w2, b2], c) => {
      const x = c(null, [6, 4]);
      const h = L.tanh(L.add(L.matmul(x, w1), b1));
      const logits = L.dense(h, w2, b2);
      return L.negative(L.mean(L.sum(L.multiply(L.logSoftmax(logits), c(null, [6, 3])), 1)));
    },
  },
);

for (const c of cases) test(`gradient and HVP match float64 finite differences: ${c.name}`, () => check(c));

test('ReLU has no second derivative: the HVP through a ReLU-only path is exactly zero', () => {
  const x = tensor(data(12, 3), [3, 4]);
  const w = tensor(data(12, 4), [3, 4]);
  const [, hv] = hvp((p: Tensor) => np.sum(np.multiply(nn.relu(p), w)), [x], tensor(data(12, 5), [3, 4])) as [
    Tensor,
    Tensor,
  ];
  assert.ok(hv.data.every((v) => v === 0));
});

test('take: the shape of the indices replaces the axis; out-of-range indices are named', () => {
  const x = tensor([0, 1, 2, 3, 4, 5], [2, 3]);
  const rows = np.take(x, tensor([[1, 0], [1, 1]]), 0);
  assert.deepEqual(rows.shape, [2, 2, 3]);
  assert.deepEqual(Array.from(rows.data), [3, 4, 5, 0, 1, 2, 3, 4, 5, 3, 4, 5]);
  assert.deepEqual(Array.from(np.take(x, [-1, 0], 1).data), [2, 0, 5, 3]);
  assert.deepEqual(np.take(x, [], 1).shape, [2, 0]);
  assert.throws(() => np.take(x, [2], 0), /take: index 2 \(at 0\) is out of range for axis 0 of length 2 in shape \[2, 3\]/);
  assert.throws(() => np.take(x, [0.5], 1), /take: index 0.5/);
  assert.throws(() => np.take(x, [0], 2), /take: axis 2 is out of range/);
  // a traced value and a plain tensor give the same result
  const [y] = valueAndGrad((p: Tensor) => {
    const t = np.take(p, [1, 1, 0], 1);
    assert.deepEqual(Array.from(t.data), Array.from(np.take(x, [1, 1, 0], 1).data));
    return np.sum(t);
  })(x);
  assert.equal(y.item(), 1 + 1 + 0 + (4 + 4 + 3));
});

test('eager ops compute the float64 reference values in float32', () => {
  const a = data(12, 1);
  const b = data(4, 2);
  const got = np.divide(np.add(tensor(a, [3, 4]), nn.sigmoid(tensor(b, [4]))), 3);
  const want = R.divide(R.add(R.ref(a, [3, 4]), R.sigmoid(R.ref(b, [4]))), 3);
  assert.deepEqual(got.shape, [3, 4]);
  got.data.forEach((v, i) => assert.ok(Math.abs(v - want.data[i]) < 1e-6));
  assert.deepEqual(Array.from(np.argmax(tensor([[1, 5, 2], [7, 0, 7]]), 1).data), [1, 0]);
  assert.equal(np.argmax(tensor([3, 9, 1, 9])).item(), 1);
});
