// Checkpoints: serialize/deserialize round-trip every state exactly, and a run resumed from the
// bytes is bit-identical to the uninterrupted run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../src/index.js';
import { adahessian, adam, momentum, sgd, serialize, deserialize } from '../src/optimizers/index.js';
import { assertSameBits, randomTensor } from './optimizers-reference.js';

// An object-keyed tree with awkward keys, a scalar and an empty leaf: the structure must survive.
const params = () => ({
  'layer 1': { w: randomTensor(1, [5, 7]), b: randomTensor(2, [7]) },
  out: [randomTensor(3, [7, 3]), randomTensor(4, [3])],
  scale: tensor(0.5),
  empty: randomTensor(5, [0, 2]),
});
const gradsAt = (i: number) => ({
  'layer 1': { w: randomTensor(100 + i, [5, 7]), b: randomTensor(200 + i, [7]) },
  out: [randomTensor(300 + i, [7, 3]), randomTensor(400 + i, [3])],
  scale: randomTensor(500 + i, []),
  empty: randomTensor(600 + i, [0, 2]),
});
const hessiansAt = (i: number) => ({
  'layer 1': { w: randomTensor(700 + i, [5, 7]), b: randomTensor(800 + i, [7]) },
  out: [randomTensor(900 + i, [7, 3]), randomTensor(1000 + i, [3])],
  scale: randomTensor(1100 + i, []),
  empty: randomTensor(1200 + i, [0, 2]),
});

test('20 AdaHessian steps with a checkpoint at step 10 give bit-identical parameters', () => {
  const [init, update, getParams] = adahessian({ stepSize: 0.05, weightDecay: 1e-3 });
  // every third step reuses the second moment, as a run with a delayed Hessian does
  const step = (i: number, s: ReturnType<typeof init>) => update(i, gradsAt(i), i % 3 === 2 ? null : hessiansAt(i), s);

  let straight = init(params());
  for (let i = 0; i < 20; i++) straight = step(i, straight);

  let first = init(params());
  for (let i = 0; i < 10; i++) first = step(i, first);
  const bytes = serialize(first);
  let resumed = deserialize(bytes);
  assert.equal(resumed.step, 10);
  for (let i = 10; i < 20; i++) resumed = step(i, resumed);

  assertSameBits(getParams(resumed), getParams(straight), 'resumed vs uninterrupted');
  assert.deepEqual(serialize(resumed), serialize(straight), 'the whole state (moments too) is identical');
});

test('round trips keep the kind, step, tree structure with its keys, shapes and every float bit', () => {
  const cases = [adahessian({ stepSize: 0.1 }), adam(0.01), sgd(0.1), momentum(0.1, 0.9)] as const;
  for (const [init, update, getParams] of cases) {
    const s0 = init(params());
    const s = (update as any)(0, gradsAt(0), ...(s0.kind === 'adahessian' ? [hessiansAt(0)] : []), s0);
    const back = deserialize(serialize(s));
    assert.equal(back.kind, s.kind);
    assert.equal(back.step, 1);
    const p = getParams(back) as any;
    assert.deepEqual(Object.keys(p).sort(), ['empty', 'layer 1', 'out', 'scale']);
    assert.deepEqual(p['layer 1'].w.shape, [5, 7]);
    assert.deepEqual(p.scale.shape, []);
    assert.deepEqual(p.empty.shape, [0, 2]);
    assertSameBits(p, getParams(s), `${s.kind} params`);
    assert.deepEqual(serialize(back), serialize(s), `${s.kind} bytes`);
  }
});

test('special float values survive: -0, subnormals, the largest float32', () => {
  const [init, , getParams] = sgd(0.1);
  const s = init([tensor([-0, 1e-45, 3.4028234663852886e38, -1.17549435e-38])]);
  const back = getParams(deserialize(serialize(s))) as any;
  assert.ok(Object.is(back[0].data[0], -0));
  assertSameBits(back, getParams(s), 'special values');
});

test('deserialize refuses bytes that are not a state, with a clear error', () => {
  const [init] = adam();
  const good = serialize(init(params()));
  const corrupt = (f: (b: Uint8Array) => Uint8Array) => f(good.slice());
  // the same header with one text replaced by another of the same length
  const renamed = (b: Uint8Array, from: string, to: string) => {
    const text = new TextDecoder('latin1').decode(b);
    const at = text.indexOf(from);
    assert.ok(at > 0 && from.length === to.length, `header holds ${from}`);
    b.set(new TextEncoder().encode(to), at);
    return b;
  };
  const bad: [Uint8Array, RegExp][] = [
    [new Uint8Array(3), /only 3 bytes/],
    [corrupt((b) => ((b[0] = 0x58), b)), /wrong magic bytes/],
    [corrupt((b) => ((b[8] = 9), b)), /format version 9/],
    [good.slice(0, good.length - 4), /bytes where the header needs/],
    [corrupt((b) => ((b[16] = 0x21), b)), /unreadable header/],
    [corrupt((b) => renamed(b, '"kind":"adam"', '"kind":"adax"')), /unknown optimizer 'adax'/],
    [corrupt((b) => renamed(b, '"step":0', '"step":-')), /unreadable header|bad step/],
  ];
  for (const [bytes, message] of bad) {
    assert.throws(() => deserialize(bytes), (e: Error) => e instanceof RangeError && /not an optimizer state written by serialize/.test(e.message) && message.test(e.message), String(message));
  }
  assert.throws(() => deserialize([1, 2, 3] as any), TypeError);
  assert.throws(() => serialize({} as any), TypeError);
});

test('a deserialized state refuses updates by another optimizer', () => {
  const state = deserialize(serialize(momentum(0.1, 0.9).init(params())));
  assert.throws(() => adam().update(0, gradsAt(0), state), /made by momentum, not adam/);
});
