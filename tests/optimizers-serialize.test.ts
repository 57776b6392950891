// Checkpoints: serialize/deserialize round-trip every state exactly, and a run resumed from the
// bytes is bit-identical to the uninterrupted run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../src/index.js';
import { adahessian, adam, momentum, sgd, serialize, deserialize } from '../src/optimizers/index.js';
import { assertSameBits, randomTensor } from './optimizers-reference.js';
import { crc32 } from '../src/crc32.js';

/** The bytes with their trailing CRC-32 recomputed: what a forger (or a careless tool) writes. */
function reseal(bytes: Uint8Array): Uint8Array {
  const end = bytes.length - 4;
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(end, crc32(bytes.subarray(0, end)), true);
  return bytes;
}

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
  // Edits re-sealed with a fresh checksum, so the header checks behind it are exercised too.
  const corrupt = (f: (b: Uint8Array) => Uint8Array) => reseal(f(good.slice()));
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
    [reseal(good.slice(0, good.length - 4)), /bytes where the header needs/],
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

test('crc32 gives the standard check value and zlib\'s results', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  assert.equal(crc32(new Uint8Array(32)), 0x190a55ad);
});

test('every single-byte change of a serialized state is refused, and the error names the source', () => {
  const [init, update] = adahessian({ stepSize: 0.1 });
  const bytes = serialize(update(0, gradsAt(0), hessiansAt(0), init(params())));
  for (let at = 0; at < bytes.length; at++) {
    for (const mask of [0x01, 0x80, 0xff]) {
      const damaged = bytes.slice();
      damaged[at] ^= mask;
      assert.throws(
        () => deserialize(damaged, 'state.bin'),
        (e: Error) => e instanceof RangeError && e.message.startsWith('state.bin: not an optimizer state'),
        `byte ${at} ^ ${mask}`,
      );
    }
  }
  assert.throws(() => deserialize(bytes.slice(0, -1), 'runs/x.step3.ckpt'), /^RangeError: runs\/x\.step3\.ckpt: .*checksum mismatch|^RangeError: runs\/x\.step3\.ckpt: .*bytes where the header needs/);
  const longer = new Uint8Array(bytes.length + 1);
  longer.set(bytes);
  assert.throws(() => deserialize(longer, 'x'), (e: Error) => e.message.startsWith('x: ') && e.message.includes(`${longer.length} bytes where the header needs ${bytes.length}`));
});

test('re-sealed bytes with bad values or fields are refused: NaN, negative second moments, deep trees', () => {
  const [init, update] = adam(0.1);
  const good = serialize(update(0, gradsAt(0), init(params())));
  const lastFloat = good.length - 8; // the last float of the last slot (v), before the checksum
  const withFloat = (at: number, value: number) => {
    const b = good.slice();
    new DataView(b.buffer).setFloat32(at, value, true);
    return reseal(b);
  };
  assert.throws(() => deserialize(withFloat(lastFloat, -1)), /v leaf \d+ \(.*\) holds -1 at flat index \d+, expected a finite number ≥ 0/);
  assert.throws(() => deserialize(withFloat(lastFloat, NaN)), /v leaf .* holds NaN/);
  const headerLength = new DataView(good.buffer).getUint32(12, true);
  const dataStart = Math.ceil((16 + headerLength) / 4) * 4;
  assert.throws(() => deserialize(withFloat(dataStart, Infinity)), /params leaf 1 \(\["layer 1"\]\.b\) holds Infinity at flat index 0/);

  // A structure 20,000 levels deep is refused with a message, not a stack overflow.
  const deepTree = '{"kind":"array","children":['.repeat(20_000) + '{"kind":"leaf"}' + ']}'.repeat(20_000);
  const header = new TextEncoder().encode(`{"kind":"sgd","step":0,"treedef":${deepTree},"shapes":[[]],"slots":[]}`);
  const dataAt = Math.ceil((16 + header.length) / 4) * 4;
  const crafted = new Uint8Array(dataAt + 4 + 4);
  crafted.set(good.subarray(0, 12));
  new DataView(crafted.buffer).setUint32(12, header.length, true);
  crafted.set(header, 16);
  assert.throws(() => deserialize(reseal(crafted)), /nested deeper than 256 levels/);
});
