// Every op's gradient and Hessian-vector product against central differences of an independent
// float64 implementation (tests/helpers/reference.ts). Each case is one function written once and
// run on both libraries: L = np+nn (float32, exact autodiff) and L = the float64 reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np, nn, tensor, hvp, valueAndGrad, Tensor } from '../src/index.js';
import * as R from './helpers/reference.js';

const LIB = { ...np, ...nn };
const REF = R;

/** Deterministic float32-representable test data (a small LCG, no library RNG involved). */
function data(n: number, seed: number, lo = -1, hi = 1): number[] {
  let s = seed * 7919 + 17;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.fround(lo + ((hi - lo) * s) / 2147483648);
  });
}

interface Case {
  name: string;
  shapes: number[][];
  /** input range: positive for log/sqrt, away from kinks for relu/max */
  range?: [number, number];
  f: (L: any, xs: any[], c: (values: number[] | null, shape: number[]) => any) => any;
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

function check(c: Case): void {
  const [lo, hi] = c.range ?? [-1, 1];
  const values = c.shapes.map((s, i) => data(size(s), i + 1, lo, hi));
  const direction = c.shapes.map((s, i) => data(size(s), 100 + i));
  // constants: the same numbers for both libraries
  let constSeed = 1000;
  const libConst = (v: number[], s: number[]) => tensor(v, s);
  const refConst = (v: number[], s: number[]) => R.ref(v, s);
  const consts: { v: number[]; s: number[] }[] = [];
  const makeConst = (mk: (v: number[], s: number[]) => any) => {
    let k = 0;
    return (v: number[] | null, s: number[]) => {
      if (!consts[k]) consts[k] = { v: v ?? data(size(s), constSeed++), s };
      const cc = consts[k++];
      return mk(cc.v, cc.s);
    };
  };

  const fLib = (xs: Tensor[]) => c.f(LIB, xs, makeConst(libConst) as any);
  const params = values.map((v, i) => tensor(v, c.shapes[i]));
  const v = direction.map((d, i) => tensor(d, c.shapes[i]));
  const [g, hv] = hvp(fLib, [params], v) as [Tensor[], Tensor[]];
  const [value, g2] = valueAndGrad(fLib)(params) as [Tensor, Tensor[]];
  g.forEach((gi, i) => assert.deepEqual(gi.data, g2[i].data, `${c.name}: hvp's gradient = valueAndGrad's`));

  // float64 reference and its central differences
  const flat = values.flat();
  const unflat = (theta: number[]) => {
    let o = 0;
    return c.shapes.map((s) => R.ref(theta.slice(o, (o += size(s))), s));
  };
  const fRef = (theta: number[]) => {
    const out = c.f(REF, unflat(theta), makeConst(refConst) as any) as R.Ref;
    assert.equal(out.shape.length, 0, `${c.name}: reference output is a scalar`);
    return out.data[0];
  };
  const vFlat = direction.flat();
  const h = 1e-4;
  const eps = 1e-4;
  const shifted = (i: number, si: number, sv: number) =>
    fRef(flat.map((t, j) => t + (j === i ? si * h : 0) + sv * eps * vFlat[j]));
  const gradFd = flat.map((_, i) => (shifted(i, 1, 0) - shifted(i, -1, 0)) / (2 * h));
  const hvFd = flat.map(
    (_, i) => (shifted(i, 1, 1) - shifted(i, 1, -1) - shifted(i, -1, 1) + shifted(i, -1, -1)) / (4 * h * eps),
  );

  const close = (got: number[], want: number[], what: string) => {
    const scale = Math.max(...want.map(Math.abs), 1e-6);
    const err = Math.max(...got.map((x, i) => Math.abs(x - want[i])));
    assert.ok(err / scale <= 1e-3, `${c.name}: ${what} relative error ${(err / scale).toExponential(2)} > 1e-3`);
  };
  assert.ok(Math.abs(value.item() - fRef(flat)) <= 1e-4 * Math.max(1, Math.abs(fRef(flat))), `${c.name}: value`);
  close(g.flatMap((t) => Array.from(t.data)), gradFd, 'gradient');
  close(hv.flatMap((t) => Array.from(t.data)), hvFd, 'Hessian-vector product');
}

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
