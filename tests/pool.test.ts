// nn.maxPool / nn.avgPool / nn.sumPool: gradient and HVP against central differences of the
// float64 reference over windows, strides (overlapping, disjoint, skipping inputs) and paddings
// ('SAME' with odd totals, explicit), forward values, max pooling's first-maximum and NaN rules,
// and the errors for bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nn, np, tensor, Tensor, grad, hvp } from '../src/index.js';
import * as R from './helpers/reference.js';
import { check, data, type Case } from './helpers/finite-differences.js';
import type { Padding } from '../src/ops/window.js';

interface Geometry {
  x: number[];
  window: number | [number, number];
  strides?: number | [number, number];
  padding?: Padding;
}

const GEOMETRIES: Geometry[] = [
  { x: [2, 4, 6, 3], window: 2, strides: 2 }, // disjoint windows (the CNN's pooling)
  { x: [1, 5, 4, 5], window: [2, 3] }, // overlapping, rectangular, stride 1 (stax's default)
  { x: [2, 5, 5, 2], window: [3, 2], strides: [2, 1], padding: 'SAME' }, // odd SAME totals
  { x: [1, 6, 5, 4], window: 2, strides: 2, padding: 'SAME' }, // total 1 on W: padded after
  { x: [1, 4, 5, 2], window: [2, 3], strides: [1, 2], padding: [[1, 0], [2, 1]] }, // explicit
  { x: [1, 7, 7, 1], window: 2, strides: 3 }, // stride > window
  { x: [2, 3, 4, 6], window: [3, 4] }, // window = input
];

const label = (g: Geometry) =>
  `x ${JSON.stringify(g.x)} window ${JSON.stringify(g.window)} strides ${JSON.stringify(g.strides ?? 1)} padding ${JSON.stringify(g.padding ?? 'VALID')}`;
const opts = (g: Geometry) => ({ strides: g.strides, padding: g.padding });

const cases: Case[] = [];
for (const op of ['maxPool', 'avgPool', 'sumPool']) {
  for (const g of GEOMETRIES) {
    cases.push({
      // tanh before and after: the pooled value's first and second derivatives both matter
      name: `${op} ${label(g)}`,
      shapes: [g.x],
      f: (L, [x], c) => {
        const y = L[op](L.tanh(L.multiply(x, 1.3)), g.window, opts(g));
        return L.sum(L.multiply(L.tanh(y), c(null, y.shape)));
      },
    });
  }
}
for (const c of cases) test(`gradient and HVP match float64 finite differences: ${c.name}`, () => check(c));

test('forward values match the float64 reference', () => {
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  for (const [op, ref] of [
    ['maxPool', R.maxPool],
    ['avgPool', R.avgPool],
    ['sumPool', R.sumPool],
  ] as const) {
    for (const g of [...GEOMETRIES, { x: [3, 26, 26, 32], window: 2, strides: 2 } as Geometry]) {
      const xs = data(size(g.x), 7);
      const got = (nn as any)[op](tensor(xs, g.x), g.window, opts(g)) as Tensor;
      const want = ref(R.ref(xs, g.x), g.window, opts(g));
      assert.deepEqual(got.shape, want.shape, `${op} ${label(g)}: shape`);
      got.data.forEach((v, i) => assert.ok(Math.abs(v - want.data[i]) <= 1e-6, `${op} ${label(g)}: value ${i}`));
    }
  }
});

test('known answers: avgPool divides by the count of non-padding elements', () => {
  const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
  // SAME with window 2: total 1 per axis, padded after; the last row/column windows are partial
  assert.deepEqual(Array.from(nn.sumPool(x, 2, { padding: 'SAME' }).data), [12, 16, 9, 24, 28, 15, 15, 17, 9]);
  assert.deepEqual(Array.from(nn.avgPool(x, 2, { padding: 'SAME' }).data), [3, 4, 4.5, 6, 7, 7.5, 7.5, 8.5, 9]);
  assert.deepEqual(Array.from(nn.maxPool(x, 2, { padding: 'SAME' }).data), [5, 6, 6, 8, 9, 9, 8, 9, 9]);
  assert.deepEqual(Array.from(nn.maxPool(x, [1, 3], { strides: [2, 1] }).data), [3, 9]);
});

test('maxPool: the derivative goes to the first maximum of each window, in row-major window order', () => {
  // ties in every window; overlapping windows (stride 1) route to the same first maximum
  const x = tensor([1, 5, 5, 1, 5, 5, 0, 0, 0], [1, 3, 3, 1]);
  const g = grad((v: Tensor) => np.sum(nn.maxPool(v, 2)))(x) as Tensor;
  // windows [1,5;1,5] and [5,5;5,5] → position 1; [1,5;0,0] and [5,5;0,0] → position 4
  assert.deepEqual(Array.from(g.data), [0, 2, 0, 0, 2, 0, 0, 0, 0]);
  const [, hv] = hvp((v: Tensor) => np.sum(np.square(nn.maxPool(v, 2))), [x], x) as [Tensor, Tensor];
  assert.deepEqual(Array.from(hv.data), [0, 20, 0, 0, 20, 0, 0, 0, 0]); // 2 windows × 2·v, v = 5
});

test('maxPool: a NaN in the window makes the output NaN (as JAX); other windows are unaffected', () => {
  const x = tensor([1, NaN, 3, 4, 0, -Infinity, 7, 8], [1, 2, 4, 1]);
  const y = nn.maxPool(x, [2, 2], { strides: [1, 2] });
  assert.ok(Number.isNaN(y.data[0]));
  assert.equal(y.data[1], 8);
  assert.ok(Number.isNaN(nn.avgPool(x, 2, { strides: 2 }).data[0]));
  // a window entirely on padding has no element: -Infinity, as JAX's reduce_window max
  assert.equal(nn.maxPool(tensor([1, 2], [1, 1, 2, 1]), 1, { padding: [[0, 0], [1, 0]] }).data[0], -Infinity);
});

test('bad input: a clear error naming the op and the shapes, thrown before anything runs', () => {
  const x = tensor(data(1 * 4 * 4 * 2, 1), [1, 4, 4, 2]);
  const cases: [() => unknown, RegExp][] = [
    [() => nn.maxPool(tensor(data(16, 1), [4, 4]), 2), /maxPool: input must be 4-D .*NHWC.*\[4, 4\]/],
    [() => nn.avgPool(x, 5), /avgPool: window 5×5 is larger than the padded input 4×4 \(input \[1, 4, 4, 2\]/],
    [() => nn.sumPool(x, [2, 0]), /sumPool: window must be a positive integer .* got \[2,0\]/],
    [() => nn.maxPool(x, 2, { strides: -1 }), /maxPool: strides must be a positive integer .* got -1/],
    [() => nn.maxPool(x, 2, { padding: 'FULL' as any }), /maxPool: padding must be 'VALID', 'SAME' .* got "FULL"/],
    [() => nn.avgPool(x, 2, { strides: 2, pad: 1 } as any), /avgPool: unknown option 'pad'/],
  ];
  for (const [call, message] of cases) assert.throws(call, message);
});
