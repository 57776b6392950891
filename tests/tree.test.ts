import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, zeros, Tensor, tree } from '../src/index.js';

test('flatten/unflatten round-trips nested arrays and objects in a fixed order', () => {
  const a = tensor([1, 2]);
  const b = zeros([2, 2]);
  const c = tensor(3);
  const t = [{ w: b, b: a }, [c]];
  const [leaves, def] = tree.flatten(t);
  // object keys are visited sorted, as JAX sorts dict keys
  assert.deepEqual(leaves, [a, b, c]);
  assert.deepEqual(tree.unflatten(def, leaves), t);
  assert.equal(tree.formatTreeDef(def), '[{b: *, w: *}, [*]]');
  assert.deepEqual(tree.leaves(t), [a, b, c]);
});

test('map applies leaf-wise over several trees', () => {
  const x = [tensor([1, 2]), { k: tensor([3]) }];
  const y = [tensor([10, 20]), { k: tensor([30]) }];
  const sum = tree.map((p: Tensor, q: Tensor) => tensor(p.data.map((v, i) => v + q.data[i]), p.shape), x, y) as any;
  assert.deepEqual(Array.from(sum[0].data), [11, 22]);
  assert.deepEqual(Array.from(sum[1].k.data), [33]);
});

test('mismatched structures throw, naming both structures', () => {
  assert.throws(
    () => tree.map((p: Tensor) => p, [tensor(1), tensor(2)], [tensor(1)]),
    (e: Error) => e instanceof TypeError && e.message.includes('[*, *]') && e.message.includes('[*]'),
  );
  assert.throws(
    () => tree.map((p: Tensor) => p, { a: tensor(1) }, { b: tensor(1) }),
    /\{a: \*\} vs \{b: \*\}/,
  );
  const [, def] = tree.flatten([tensor(1), tensor(2)]);
  assert.throws(() => tree.unflatten(def, [tensor(1)]), /has 2 leaves, got 1/);
});

test('tensor() validates data and shape', () => {
  assert.deepEqual(tensor([[1, 2, 3], [4, 5, 6]]).shape, [2, 3]);
  assert.equal(tensor(2.5).item(), 2.5);
  assert.throws(() => tensor([1, 2, 3], [2, 2]), /3 values but shape \[2, 2\] needs 4/);
  assert.throws(() => tensor([[1, 2], [3]]), /ragged/);
  assert.throws(() => tensor('abc' as any), /expects a number/);
  assert.throws(() => zeros([2, -1]), /non-negative integers/);
  assert.throws(() => zeros([2]).item(), /exactly one element/);
});

test("any own key round-trips, '__proto__' included: unflatten never sets a prototype", () => {
  const w = tensor([1, 2]);
  const b = tensor([3]);
  const params: Record<string, unknown> = { b };
  Object.defineProperty(params, '__proto__', { value: { w }, enumerable: true, writable: true, configurable: true });
  const [leaves, def] = tree.flatten(params);
  assert.deepEqual(leaves, [w, b]);
  const back = tree.unflatten(def, leaves) as Record<string, any>;
  assert.equal(Object.getPrototypeOf(back), Object.prototype, 'the prototype is untouched');
  assert.deepEqual(Object.keys(back).sort(), ['__proto__', 'b']);
  assert.equal(Object.getOwnPropertyDescriptor(back, '__proto__')?.value.w, w);
  assert.equal(back.b, b);
  const mapped = tree.map((t: Tensor) => t, params) as Record<string, any>;
  assert.ok(Object.hasOwn(mapped, '__proto__') && Object.getPrototypeOf(mapped) === Object.prototype);
});
