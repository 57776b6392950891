// States kept in wasm memory between updates (src/optimizers/storage.ts) behave as plain values:
// the bits do not depend on where a state's arrays live (wasm blocks; JS memory once
// RESIDENT_STATES states hold blocks, or when updating inside an arena scope), getParams hands out
// copies, disposed states refuse use with a clear error, and failed updates leak nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adahessian, adam, serialize, deserialize, type OptimizerState } from '../src/optimizers/index.js';
import { RESIDENT_STATES, residentStates } from '../src/optimizers/storage.js';
import { mark, memoryBytes, scoped } from '../src/wasm/arena.js';
import { Tensor } from '../src/index.js';
import { randomTensor } from './optimizers-reference.js';

const params = () => [randomTensor(1, [6, 5]), randomTensor(2, [5]), randomTensor(3, [0, 2])];
const gradsAt = (i: number) => [randomTensor(100 + i, [6, 5]), randomTensor(200 + i, [5]), randomTensor(300 + i, [0, 2])];
const hessiansAt = (i: number) => [randomTensor(400 + i, [6, 5]), randomTensor(500 + i, [5]), randomTensor(600 + i, [0, 2])];
const STEPS = RESIDENT_STATES * 3;

test('a loop that disposes its old states, and failing updates, keep wasm memory flat', () => {
  const [init, update] = adahessian({ stepSize: 0.05 });
  let s = init(params());
  const step = (i: number) => {
    const next = update(i, gradsAt(i % 7), hessiansAt(i % 7), s);
    s.dispose();
    s = next;
    const bad = gradsAt(0);
    bad[1].data[2] = NaN;
    assert.throws(() => update(i + 1, bad, hessiansAt(0), s), /NaN/);
  };
  for (let i = 0; i < 20; i++) step(i);
  const wasmBefore = memoryBytes();
  const arenaBefore = mark();
  for (let i = 20; i < 500; i++) step(i);
  assert.equal(residentStates(), 1, 'the loop ran on a state in wasm memory');
  assert.equal(memoryBytes(), wasmBefore);
  assert.equal(mark(), arenaBefore);
  s.dispose();
});

test('keeping more than RESIDENT_STATES states (the later ones in JS memory) changes no bits', () => {
  const [init, update] = adahessian({ stepSize: 0.05 });
  const kept: OptimizerState[] = [init(params())];
  const bytesWhenMade: Uint8Array[] = [serialize(kept[0])];
  for (let i = 0; i < STEPS; i++) {
    kept.push(update(i, gradsAt(i), i % 3 === 2 ? null : hessiansAt(i), kept[i]));
    bytesWhenMade.push(serialize(kept[i + 1]));
  }
  // every state still reads back as it was made, and updating an old one again gives the same bits
  kept.forEach((s, k) => assert.deepEqual(serialize(s), bytesWhenMade[k], `state ${k}`));
  for (let i = 0; i < STEPS; i++) {
    const again = update(i, gradsAt(i), i % 3 === 2 ? null : hessiansAt(i), kept[i]);
    assert.deepEqual(serialize(again), bytesWhenMade[i + 1], `update from state ${i}`);
    const viaBytes = update(i, gradsAt(i), i % 3 === 2 ? null : hessiansAt(i), deserialize(bytesWhenMade[i]));
    assert.deepEqual(serialize(viaBytes), bytesWhenMade[i + 1], `update from deserialized state ${i}`);
    again.dispose();
    viaBytes.dispose();
  }
  kept.forEach((s) => s.dispose());
  assert.equal(residentStates(), 0);
});

test('an update inside an arena scope (worked in the arena, copied out) gives the same bits', () => {
  const [init, update] = adam(0.01);
  let outside = init(params());
  let inside = init(params());
  for (let i = 0; i < 5; i++) {
    outside = update(i, gradsAt(i), outside);
    const prev = inside;
    inside = scoped(() => update(i, gradsAt(i), prev));
  }
  assert.deepEqual(serialize(inside), serialize(outside));
  assert.deepEqual(serialize(update(5, gradsAt(5), inside)), serialize(update(5, gradsAt(5), outside)));
  outside.dispose();
});

test('getParams of a resident state hands out copies: writing into them changes nothing', () => {
  const [init, update, getParams] = adahessian({ stepSize: 0.05 });
  const s = update(0, gradsAt(0), hessiansAt(0), init(params()));
  const before = serialize(s);
  const p = getParams(s) as Tensor[];
  p[0].data.fill(123);
  assert.deepEqual(serialize(s), before);
  assert.notEqual((getParams(s) as Tensor[])[0].data[0], 123);
});

test('a disposed state refuses update, getParams and serialize with a clear error; other states are untouched', () => {
  const [init, update, getParams] = adahessian({ stepSize: 0.05 });
  const s0 = init(params());
  const s1 = update(0, gradsAt(0), hessiansAt(0), s0);
  const s2 = update(1, gradsAt(1), hessiansAt(1), s1);
  const bytes2 = serialize(s2);
  s1.dispose();
  s1.dispose(); // twice is harmless
  assert.throws(() => update(1, gradsAt(1), hessiansAt(1), s1), /adahessian: this state was disposed/);
  assert.throws(() => getParams(s1), /disposed/);
  assert.throws(() => serialize(s1), /disposed/);
  assert.deepEqual(serialize(s2), bytes2);
  const redo = (s: OptimizerState) => serialize(update(0, gradsAt(0), hessiansAt(0), s));
  assert.deepEqual(redo(s0), redo(deserialize(serialize(s0))));
});


test('an update that overflows, from a resident state, throws and leaves that state as it was', () => {
  const [init, update] = adahessian({ stepSize: 0.05 });
  const s1 = update(0, gradsAt(0), hessiansAt(0), init(params()));
  const before = serialize(s1);
  const residentBefore = residentStates();
  const huge = hessiansAt(1);
  huge[0].data[7] = 1e20; // finite, but (1 - b2) D² overflows float32: v = +Inf
  assert.throws(() => update(1, gradsAt(1), huge, s1), /second moment v leaf 0 .* would hold Infinity/);
  assert.equal(residentStates(), residentBefore, 'the new blocks went back');
  assert.deepEqual(serialize(s1), before);
  // and s1 still steps as if nothing had happened
  const next = update(1, gradsAt(1), hessiansAt(1), s1);
  const viaBytes = update(1, gradsAt(1), hessiansAt(1), deserialize(before));
  assert.deepEqual(serialize(next), serialize(viaBytes));
  [s1, next, viaBytes].forEach((s) => s.dispose());
});
