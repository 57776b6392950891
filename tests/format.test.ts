// console.log(tensor) / util.inspect shows the values as numpy prints them (the expected strings
// are numpy 2.4.6's repr of the same float32 arrays, with `array(` → `Tensor(` and the shape
// in place of the dtype), truncated past 1,000 values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { grad, np, random, tensor, type Tensor } from '../src/index.js';

const show = (t: Tensor) => inspect(t);

test('util.inspect shows a tensor\'s values numpy-style, and its shape', () => {
  assert.equal(show(tensor([[1, 2], [3, 4]])), 'Tensor([[1., 2.],\n        [3., 4.]], shape=[2, 2])');
  assert.equal(show(tensor([1, 0.5, 0.125])), 'Tensor([1.   , 0.5  , 0.125], shape=[3])');
  assert.equal(show(tensor([-1, 2.5])), 'Tensor([-1. ,  2.5], shape=[2])');
  assert.equal(show(tensor(3.5)), 'Tensor(3.5, shape=[])');
  assert.equal(show(tensor([0.1, 0.2])), 'Tensor([0.1, 0.2], shape=[2])', 'float32 0.1 reads back from "0.1"');
  assert.equal(show(tensor([1e-5, 1.5, 1000])), 'Tensor([1.0e-05, 1.5e+00, 1.0e+03], shape=[3])');
  assert.equal(show(tensor([NaN, -Infinity, 1.5])), 'Tensor([ nan, -inf,  1.5], shape=[3])');
  assert.equal(show(tensor([1 / 3])), 'Tensor([0.33333334], shape=[1])', 'at most 8 decimals');
  assert.equal(
    show(np.reshape(tensor(Array.from({ length: 8 }, (_, i) => i)), [2, 2, 2])),
    'Tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]], shape=[2, 2, 2])',
  );
  assert.equal(show(tensor([])), 'Tensor([], shape=[0])');
});

test('past 1,000 values, only the first and last three of each axis are shown', () => {
  // numpy switches to scientific notation when the largest magnitude is over 1,000 times the smallest.
  const long = tensor(Array.from({ length: 2000 }, (_, i) => i));
  assert.equal(show(long), 'Tensor([0.000e+00, 1.000e+00, 2.000e+00, ..., 1.997e+03, 1.998e+03,\n        1.999e+03], shape=[2000])');
  const matrix = np.reshape(tensor(Array.from({ length: 1010 }, (_, i) => i + 10)), [101, 10]);
  const lines = show(matrix).split('\n');
  assert.equal(lines.length, 7, 'three rows, ..., three rows');
  assert.equal(lines[0], 'Tensor([[  10.,   11.,   12., ...,   17.,   18.,   19.],');
  assert.equal(lines[3], '        ...,');
  assert.equal(lines[6], '        [1010., 1011., 1012., ..., 1017., 1018., 1019.]], shape=[101, 10])');
  // Long rows wrap at 75 columns, as numpy's linewidth.
  const wide = show(random.uniform(random.key(0), [1, 12]));
  assert.ok(wide.split('\n').every((line) => line.length <= 75), wide);
});

test('console.log prints the same; nested in objects too; toString stays short', () => {
  const t = tensor([1, 2]);
  assert.equal(inspect({ w: t }), '{ w: Tensor([1., 2.], shape=[2]) }');
  assert.equal(String(t), 'Tensor(shape=[2])');
  // A value traced inside a transform and kept after it ended shows what it is instead of throwing.
  let leaked: Tensor | undefined;
  grad((p: Tensor) => {
    leaked = np.square(p);
    return np.sum(leaked);
  })(t);
  assert.match(inspect(leaked), /^Tracer\(shape=\[2\]/);
});
