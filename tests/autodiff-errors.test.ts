// Bad input to the transforms and ops: each a clear error naming what was wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grad, hvp, gradAndHessian, valueAndGrad, np, nn, tensor, random, stax, Tensor } from '../src/index.js';

const w = tensor([[1, 2], [3, 4]]);
const loss = (p: Tensor) => np.sum(np.square(p));

test('funInput must be an array: a TypeError that suggests [input]', () => {
  assert.throws(() => gradAndHessian(loss, w as any, random.key(0)), (e: Error) => e instanceof TypeError && /\[input\]/.test(e.message));
  assert.throws(() => hvp(loss, w as any, w), (e: Error) => e instanceof TypeError && /\[input\]/.test(e.message));
});

test('params passed as funInput (the batch forgotten): the error says funInput must be the array of fun\'s arguments', () => {
  const [init, predict] = stax.serial(stax.Dense(3), stax.Relu, stax.Dense(2), stax.LogSoftmax);
  const [, params] = init(random.key(0), [-1, 4]);
  const lossOfBatch = (p: unknown, [inputs, targets]: [Tensor, Tensor]) => np.negative(np.mean(np.sum(np.multiply(predict(p, inputs), targets), 1)));
  const batch: [Tensor, Tensor] = [random.normal(random.key(1), [5, 4]), tensor([[1, 0], [0, 1], [1, 0], [0, 1], [1, 0]])];
  const forgotten = (call: () => unknown) =>
    assert.throws(call, (e: Error) => e instanceof TypeError && /fun declares 2 parameter\(s\) but got 4 from funInput, which must be the array of fun's arguments \(such as \[params, batch\]/.test(e.message));
  forgotten(() => gradAndHessian(lossOfBatch, params as unknown[], random.key(0)));
  forgotten(() => hvp(lossOfBatch, params as unknown[], (params as unknown[])[0]));
  // grad's own call with an argument missing gets the count too
  assert.throws(() => (grad(lossOfBatch) as (p: unknown) => unknown)(params), /fun declares 2 parameter\(s\) but got 1 from its call/);
  // With the batch, the same calls work.
  const [g] = gradAndHessian(lossOfBatch, [params, batch], random.key(0));
  assert.equal((g as unknown[]).length, 4);
});

test('argnum out of range', () => {
  assert.throws(() => gradAndHessian(loss, [w], random.key(0), 1), (e: Error) => e instanceof RangeError && /argnum 1/.test(e.message));
  assert.throws(() => grad(loss, 2)(w), /argnum 2 is out of range for 1 argument/);
});

test('fun must return a scalar tensor', () => {
  assert.throws(() => grad((p: Tensor) => np.square(p))(w), /scalar \(shape \[\]\), got shape \[2, 2\]/);
  assert.throws(() => grad((() => 3) as any)(w), /must return a scalar Tensor/);
});

test('non-tensor leaves in the differentiated argument are named', () => {
  assert.throws(() => grad((p: any) => np.sum(p[0]))([w, [1, 2]] as any), /leaf 1 .* must be a Tensor, got number/);
});

test('shape mismatches name the op and both shapes', () => {
  assert.throws(() => np.add(tensor([1, 2, 3]), tensor([1, 2])), /add: shapes \[3\] and \[2\] cannot be broadcast/);
  assert.throws(() => np.matmul(tensor([[1, 2, 3]]), tensor([[1, 2]])), /matmul: shapes \[1, 3\] and \[1, 2\] do not align/);
  assert.throws(() => grad((p: Tensor) => np.sum(np.matmul(p, tensor([[1, 2, 3]]))))(w), /matmul: shapes \[2, 2\] and \[1, 3\]/);
  assert.throws(() => np.sum(w, 2), /sum: axis 2 is out of range for shape \[2, 2\]/);
  assert.throws(() => np.reshape(w, [3, -1]), /cannot reshape shape \[2, 2\]/);
  assert.throws(() => hvp(loss, [w], tensor([1, 2, 3, 4])), /leaf 0 of v has shape \[4\] but the argument's leaf has shape \[2, 2\]/);
  assert.throws(() => hvp(loss, [w], [w]), /different structures: \* vs \[\*\]/);
});

test('a traced value used after its transform ended is an error', () => {
  let leaked: Tensor | null = null;
  grad((p: Tensor) => {
    leaked = np.square(p);
    return np.sum(leaked);
  })(w);
  assert.throws(() => np.add(leaked!, 1), /used after that transform ended/);
  assert.throws(() => leaked!.data, /used after that transform ended/);
});

test('transforms do not nest', () => {
  assert.throws(() => grad((p: Tensor) => np.sum(grad(loss)(p) as Tensor))(w), /do not nest/);
});

test('a non-finite loss is reported', () => {
  assert.throws(() => grad((p: Tensor) => np.sum(np.log(np.subtract(p, 10))))(w), /non-finite value \(NaN\)/);
});

test('operands must be tensors or numbers', () => {
  assert.throws(() => np.add(w, 'x' as any), /add must be a Tensor or a number, got string/);
  assert.throws(() => nn.relu([1, 2] as any), /relu must be a Tensor or a number/);
});

test('valueAndGrad differentiates any tree argument (objects and nested arrays)', () => {
  const params = { a: tensor([1, 2]), rest: [tensor(3)] };
  const [value, g] = valueAndGrad((p: any, s: Tensor) => np.add(np.sum(np.multiply(p.a, p.a)), np.multiply(p.rest[0], s)), 0)(params, tensor(5));
  assert.equal(value.item(), 1 + 4 + 15);
  assert.deepEqual(Array.from((g as any).a.data), [2, 4]);
  assert.deepEqual(Array.from((g as any).rest[0].data), [5]);
});

test('argnum that is not an integer says so (a string is not an index)', () => {
  assert.throws(() => grad(loss, '0' as any)(w), (e: Error) => e instanceof TypeError && /argnum must be an integer, got string '0'/.test(e.message));
  assert.throws(() => gradAndHessian(loss, [w], random.key(0), 0.5), (e: Error) => e instanceof TypeError && /argnum must be an integer, got number 0.5/.test(e.message));
});

test('a traced value that escaped an earlier transform, passed as the argument, is named as such', () => {
  let escaped: Tensor | undefined;
  grad((x: Tensor) => {
    escaped = np.multiply(x, 2);
    return np.sum(escaped);
  })(w);
  assert.throws(
    () => grad(loss)(escaped!),
    (e: Error) => e instanceof TypeError && /leaf 0 of the differentiated argument is a value traced inside an earlier transform, which has ended/.test(e.message) && !/got Tensor\[/.test(e.message),
  );
});
