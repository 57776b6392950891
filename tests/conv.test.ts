// nn.conv2d: gradient and HVP against central differences of the float64 reference (both
// operands, kernel only as in a first layer, input only), forward values against a direct float64
// loop on shapes that span several of the kernel's row blocks, the SIMD and scalar kernels bit
// for bit, and the errors for bad shapes and options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nn, np, tensor, Tensor, grad, hvp } from '../src/index.js';
import * as R from './helpers/reference.js';
import { check, data, type Case } from './helpers/finite-differences.js';
import { convKernels } from '../src/kernels/conv.js';
import { windowGeometry, writeWindow, type Padding } from '../src/ops/window.js';
import { allocF32, copyIn, copyOut, scoped } from '../src/wasm/arena.js';

interface Geometry {
  x: number[];
  k: number[];
  strides?: number | [number, number];
  padding?: Padding;
}

const GEOMETRIES: Geometry[] = [
  { x: [2, 5, 4, 3], k: [3, 2, 3, 4] }, // rectangular kernel, VALID
  { x: [1, 6, 5, 2], k: [3, 3, 2, 3], strides: [2, 1], padding: 'SAME' }, // SAME, odd total on W
  { x: [2, 4, 4, 1], k: [2, 2, 1, 2], padding: 'SAME' }, // total 1: the extra row/column after
  { x: [1, 5, 6, 2], k: [2, 3, 2, 2], strides: 2, padding: [[1, 0], [2, 1]] }, // explicit, asymmetric
  { x: [1, 7, 5, 2], k: [2, 2, 2, 3], strides: 3 }, // stride > kernel: inputs no window sees
  { x: [2, 3, 3, 2], k: [1, 1, 2, 5] }, // 1×1 kernel
  { x: [1, 3, 4, 3], k: [3, 4, 3, 2] }, // kernel = input: one output pixel
];

const label = (g: Geometry) =>
  `x ${JSON.stringify(g.x)} k ${JSON.stringify(g.k)} strides ${JSON.stringify(g.strides ?? 1)} padding ${JSON.stringify(g.padding ?? 'VALID')}`;
const opts = (g: Geometry) => ({ strides: g.strides, padding: g.padding });

const cases: Case[] = GEOMETRIES.flatMap((g): Case[] => [
  {
    // bilinear: the Hessian couples x and K; tanh makes each curved on its own
    name: `conv2d (x and kernel) ${label(g)}`,
    shapes: [g.x, g.k],
    f: (L, [x, k]) => L.sum(L.tanh(L.conv2d(x, k, opts(g)))),
  },
  {
    name: `conv2d (kernel only, constant input) ${label(g)}`,
    shapes: [g.k],
    f: (L, [k], c) => L.sum(L.tanh(L.conv2d(c(null, g.x), k, opts(g)))),
  },
  {
    name: `conv2d (input only, constant kernel) ${label(g)}`,
    shapes: [g.x],
    f: (L, [x], c) => L.sum(L.tanh(L.conv2d(x, c(null, g.k), opts(g)))),
  },
]);

cases.push({
  name: 'two stacked convolutions with a ReLU between (a CNN block)',
  shapes: [[3, 3, 2, 4], [2, 2, 4, 3]],
  range: [-1, 1],
  f: (L, [k1, k2], c) => {
    const h = L.relu(L.conv2d(c(null, [2, 6, 6, 2]), k1, { padding: 'SAME' }));
    return L.sum(L.multiply(L.tanh(L.conv2d(h, k2, { strides: 2 })), c(null, [2, 3, 3, 3])));
  },
});

for (const c of cases) test(`gradient and HVP match float64 finite differences: ${c.name}`, () => check(c));

/** The library's conv2d against R.conv2d (float64 direct loops), relative to the largest |y|. */
function forwardError(g: Geometry, seed: number): number {
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const xs = data(size(g.x), seed);
  const ks = data(size(g.k), seed + 1);
  const got = nn.conv2d(tensor(xs, g.x), tensor(ks, g.k), opts(g));
  const want = R.conv2d(R.ref(xs, g.x), R.ref(ks, g.k), opts(g));
  assert.deepEqual(got.shape, want.shape, `${label(g)}: output shape`);
  const scale = Math.max(...want.data.map(Math.abs));
  return Math.max(...got.data.map((v, i) => Math.abs(v - want.data[i]))) / scale;
}

test('forward values match a float64 direct convolution (small and multi-block shapes)', () => {
  const big: Geometry[] = [
    { x: [2, 12, 11, 64], k: [3, 3, 64, 20] }, // 576 values a patch: 180 rows in two blocks
    { x: [3, 15, 15, 5], k: [5, 5, 5, 9], strides: [1, 2], padding: 'SAME' },
    { x: [4, 28, 28, 1], k: [3, 3, 1, 32] },
  ];
  [...GEOMETRIES, ...big].forEach((g, i) => {
    const err = forwardError(g, 10 + i);
    assert.ok(err < 1e-5, `${label(g)}: relative error ${err}`);
  });
});

test('a known answer: a 2×2 kernel of ones sums each window; SAME pads after when the total is odd', () => {
  const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
  const ones = tensor([1, 1, 1, 1], [2, 2, 1, 1]);
  assert.deepEqual(Array.from(nn.conv2d(x, ones).data), [12, 16, 24, 28]);
  // total padding 1 per axis goes after: the last row and column see zeros
  assert.deepEqual(Array.from(nn.conv2d(x, ones, { padding: 'SAME' }).data), [12, 16, 9, 24, 28, 15, 15, 17, 9]);
  assert.deepEqual(Array.from(nn.conv2d(x, ones, { strides: 2, padding: [[1, 0], [1, 0]] }).data), [1, 5, 11, 28]);
});

test('the SIMD and scalar kernels give the same bits (forward, input gradient, kernel gradient)', () => {
  const shapes = { x: [2, 12, 11, 36], k: [3, 3, 36, 13] }; // odd channel counts, several blocks
  const g = windowGeometry('conv2d', shapes.x, [3, 3], 13, { strides: [1, 2], padding: 'SAME' });
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const ySize = g.batch * g.outH * g.outW * g.outC;
  scoped(() => {
    const geometry = writeWindow(g);
    const x = copyIn(data(size(shapes.x), 1));
    const k = copyIn(data(size(shapes.k), 2));
    const dy = copyIn(data(ySize, 3));
    const run = (scalar: boolean) => {
      const { convInto, convInputGradInto, convKernelGradInto } = convKernels(scalar);
      const y = allocF32(ySize);
      convInto(x, k, y, geometry);
      const dx = copyIn(new Float32Array(size(shapes.x)));
      convInputGradInto(dy, k, dx, geometry);
      const dk = allocF32(size(shapes.k));
      convKernelGradInto(x, dy, dk, geometry);
      return [copyOut(y, ySize), copyOut(dx, size(shapes.x)), copyOut(dk, size(shapes.k))];
    };
    const simd = run(false);
    const scalar = run(true);
    ['y', 'dx', 'dk'].forEach((what, i) =>
      assert.deepEqual(new Uint32Array(simd[i].buffer), new Uint32Array(scalar[i].buffer), `${what}: same bits`),
    );
  });
});

test('gradients are bit-identical across runs', () => {
  const x = tensor(data(2 * 9 * 9 * 3, 5), [2, 9, 9, 3]);
  const k = tensor(data(3 * 3 * 3 * 8, 6), [3, 3, 3, 8]);
  const f = (kk: Tensor) => np.sum(np.tanh(nn.conv2d(x, kk, { padding: 'SAME' })));
  const [g1, h1] = hvp(f, [k], k) as [Tensor, Tensor];
  const [g2, h2] = hvp(f, [k], k) as [Tensor, Tensor];
  assert.deepEqual(g1.data, g2.data);
  assert.deepEqual(h1.data, h2.data);
  assert.deepEqual((grad(f)(k) as Tensor).data, g1.data);
});

test('bad input: a clear error naming the op and the shapes, thrown before anything runs', () => {
  const x = tensor(data(1 * 5 * 5 * 2, 1), [1, 5, 5, 2]);
  const k = tensor(data(3 * 3 * 2 * 4, 2), [3, 3, 2, 4]);
  const cases: [() => unknown, RegExp][] = [
    [() => nn.conv2d(tensor(data(50, 1), [5, 5, 2]), k), /conv2d: input must be 4-D .*NHWC.*\[5, 5, 2\]/],
    [() => nn.conv2d(x, tensor(data(18, 1), [3, 3, 2])), /conv2d: kernel must be 4-D .*HWIO.*\[3, 3, 2\]/],
    [() => nn.conv2d(x, tensor(data(27, 1), [3, 3, 3, 1])), /conv2d: kernel \[3, 3, 3, 1\] takes 3 input channels but the input \[1, 5, 5, 2\] has 2/],
    [() => nn.conv2d(x, tensor(data(72, 1), [6, 3, 2, 2])), /conv2d: window 6×3 is larger than the padded input 5×5/],
    [() => nn.conv2d(x, tensor(data(84, 1), [7, 3, 2, 2]), { padding: [[1, 0], [0, 0]] }), /window 7×3 is larger than the padded input 6×5/],
    [() => nn.conv2d(x, k, { strides: 0 }), /conv2d: strides must be a positive integer .* got 0/],
    [() => nn.conv2d(x, k, { strides: [1, -2] }), /conv2d: strides .* got \[1,-2\]/],
    [() => nn.conv2d(x, k, { strides: [1.5, 1] }), /conv2d: strides/],
    [() => nn.conv2d(x, k, { padding: 'same' as any }), /conv2d: padding must be 'VALID', 'SAME' .* got "same"/],
    [() => nn.conv2d(x, k, { padding: [[1, 1]] as any }), /conv2d: padding must be/],
    [() => nn.conv2d(x, k, { padding: [[1, 1], [-1, 0]] }), /conv2d: padding must be .* non-negative/],
    [() => nn.conv2d(x, k, { stride: 2 } as any), /conv2d: unknown option 'stride'/],
  ];
  for (const [call, message] of cases) assert.throws(call, message);
  // inside a transform the error comes before any value is recorded
  assert.throws(() => grad((kk: Tensor) => np.sum(nn.conv2d(x, kk, { strides: 0 })))(k), /conv2d: strides/);
});
