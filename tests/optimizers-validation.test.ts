// Every validation rule: bad hyper-parameters throw RangeErrors when an optimizer is made; bad
// updates throw before anything changes, and the state passed in stays intact and usable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, tensor, np } from '../src/index.js';
import { Adahessian } from '../src/flax.js';
import {
  adahessian,
  adam,
  sgd,
  momentum,
  serialize,
  exponentialDecay,
  inverseTimeDecay,
  piecewiseConstant,
  constant,
} from '../src/optimizers/index.js';
import { assertSameBits, randomTensor } from './optimizers-reference.js';

test('adahessian rejects out-of-range hyper-parameters with RangeErrors naming them', () => {
  const bad: [object, RegExp][] = [
    [{ stepSize: -1 }, /stepSize must be a finite number ≥ 0, got -1/],
    [{ stepSize: NaN }, /stepSize .* got NaN/],
    [{ stepSize: Infinity }, /stepSize .* got Infinity/],
    [{ eps: -1e-8 }, /eps must be a finite number ≥ 0/],
    [{ eps: NaN }, /eps/],
    [{ eps: Infinity }, /eps/],
    [{ b1: -0.1 }, /b1 must be a number with 0 ≤ b1 < 1, got -0.1/],
    [{ b1: 1 }, /b1 .* got 1$/],
    [{ b1: NaN }, /b1/],
    [{ b2: 1 }, /b2 must be a number with 0 ≤ b2 < 1/],
    [{ b2: -1 }, /b2/],
    [{ b2: Infinity }, /b2/],
    [{ hessianPower: -0.5 }, /hessianPower must be a number with 0 ≤ hessianPower ≤ 1/],
    [{ hessianPower: 1.5 }, /hessianPower/],
    [{ hessianPower: NaN }, /hessianPower/],
    [{ weightDecay: -0.01 }, /weightDecay must be a finite number ≥ 0/],
    [{ weightDecay: Infinity }, /weightDecay/],
    [{ spatialAverage: 'mean' }, /spatialAverage must be 'last', 'conv', 'none' or a function/],
  ];
  for (const [options, message] of bad) {
    assert.throws(() => adahessian(options as any), (e: Error) => e instanceof RangeError && message.test(e.message), JSON.stringify(options));
  }
  assert.throws(() => adahessian(-0.1), RangeError);
});

test('the boundaries of every range are accepted', () => {
  adahessian({ stepSize: 0, b1: 0, b2: 0, eps: 0, weightDecay: 0, hessianPower: 0 });
  adahessian({ b1: 0.999999, b2: 0.999999, hessianPower: 1, spatialAverage: 'none' });
  adahessian({ spatialAverage: () => [] });
  adahessian({ stepSize: (i: number) => 1 / (i + 1) });
  adam({ stepSize: 0, b1: 0, b2: 0, eps: 0 });
  sgd(0);
  momentum(0, 0);
});

test('wrong types and unknown option names are TypeErrors', () => {
  assert.throws(() => adahessian({ lr: 0.1 } as any), /unknown option 'lr' \(expected one of stepSize, b1, b2/);
  assert.throws(() => adahessian({ stepSize: '0.1' } as any), (e: Error) => e instanceof TypeError && /stepSize must be a number/.test(e.message));
  assert.throws(() => adahessian(null as any), TypeError);
  assert.throws(() => adam({ beta1: 0.9 } as any), /unknown option 'beta1'/);
  assert.throws(() => sgd(undefined as any), TypeError);
  assert.throws(() => momentum({ stepSize: 0.1 } as any), /mass must be a number, got undefined/);
});

test('adam, sgd and momentum reject out-of-range hyper-parameters', () => {
  for (const options of [{ stepSize: -1 }, { b1: 1 }, { b2: -0.1 }, { eps: -1 }, { eps: NaN }, { weightDecay: -1 }]) {
    assert.throws(() => adam(options), RangeError, JSON.stringify(options));
  }
  assert.throws(() => sgd(-0.1), /sgd: stepSize must be a finite number ≥ 0, got -0.1/);
  assert.throws(() => sgd({ stepSize: Infinity }), RangeError);
  assert.throws(() => momentum(0.1, -0.9), /momentum: mass must be a finite number ≥ 0/);
  assert.throws(() => momentum(0.1, NaN), RangeError);
  assert.throws(() => momentum(-0.1, 0.9), RangeError);
});

test('schedules reject bad arguments', () => {
  assert.throws(() => constant(NaN), RangeError);
  assert.throws(() => exponentialDecay(0.1, 0, 0.5), /decaySteps must be a finite positive number, got 0/);
  assert.throws(() => exponentialDecay(0.1, 10, Infinity), RangeError);
  assert.throws(() => inverseTimeDecay(0.1, -1, 0.5), RangeError);
  assert.throws(() => piecewiseConstant([1, 2], [0.1, 0.01]), /one more entry than boundaries, got 2 values for 2 boundaries/);
  assert.throws(() => piecewiseConstant([NaN], [1, 2]), RangeError);
});

// --- bad updates -------------------------------------------------------------------------------

const shapes = [[4, 3], [3], [3, 5], [5]] as const;
const params = () => [
  [randomTensor(1, shapes[0]), randomTensor(2, shapes[1])],
  [randomTensor(3, shapes[2]), randomTensor(4, shapes[3])],
];
const grads = (seed: number) => [
  [randomTensor(seed, shapes[0]), randomTensor(seed + 1, shapes[1])],
  [randomTensor(seed + 2, shapes[2]), randomTensor(seed + 3, shapes[3])],
];
const withLeaf = (t: Tensor[][], layer: number, k: number, leaf: unknown) =>
  t.map((l, a) => l.map((x, b) => (a === layer && b === k ? leaf : x)));
const withValue = (t: Tensor[][], layer: number, k: number, index: number, value: number) => {
  const data = t[layer][k].data.slice();
  data[index] = value;
  return withLeaf(t, layer, k, new Tensor(data, t[layer][k].shape));
};

/**
 * Two steps in: `bad(state)` must throw `expected`; afterwards the state's bytes (params and
 * moments) are unchanged and its next valid update gives the same bits as on an untouched copy.
 */
function rejects(bad: (state: any) => unknown, expected: (e: Error) => boolean, what: string): void {
  const [init, update, getParams] = adahessian({ stepSize: 0.1, spatialAverage: (s) => (s.length === 2 ? [0] : []) });
  const state = update(1, grads(20), grads(30), update(0, grads(0), grads(10), init(params())));
  const bytes = serialize(state);
  const expectedNext = getParams(update(2, grads(40), grads(50), state));
  assert.throws(() => bad(state), (e: Error) => expected(e), what);
  assert.deepEqual(serialize(state), bytes, `${what}: the state is unchanged`);
  assertSameBits(getParams(update(2, grads(40), grads(50), state)), expectedNext, `${what}: the state is still usable`);
}

const [, update] = adahessian({ stepSize: 0.1, spatialAverage: (s) => (s.length === 2 ? [0] : []) });

test('a grads or hessians tree of another structure throws a TypeError naming both structures', () => {
  const mentionsBoth = (e: Error) =>
    e instanceof TypeError && e.message.includes('[[*, *], [*]]') && e.message.includes('[[*, *], [*, *]]');
  const short = [grads(0)[0], [grads(0)[1][0]]];
  rejects((s) => update(2, short, grads(1), s), mentionsBoth, 'grads structure');
  rejects((s) => update(2, grads(1), short, s), mentionsBoth, 'hessians structure');
  rejects((s) => update(2, { w: grads(1) }, grads(1), s), (e) => e instanceof TypeError && /\{w: /.test(e.message), 'object vs array');
});

test('a leaf of another shape throws a RangeError naming both shapes and the leaf', () => {
  const wrong = withLeaf(grads(0), 1, 0, randomTensor(9, [5, 3]));
  const named = (e: Error) => e instanceof RangeError && /leaf 2 \(\[1\]\[0\]\) has shape \[5, 3\] but the params leaf has shape \[3, 5\]/.test(e.message);
  rejects((s) => update(2, wrong, grads(1), s), (e) => named(e) && /grads/.test(e.message), 'grads shape');
  rejects((s) => update(2, grads(1), wrong, s), (e) => named(e) && /hessians/.test(e.message), 'hessians shape');
  const flat = withLeaf(grads(0), 0, 1, randomTensor(9, [1, 3]));
  rejects((s) => update(2, flat, grads(1), s), (e) => e instanceof RangeError && /\[1, 3\].*\[3\]/.test(e.message), 'rank');
});

test('a leaf that is not a Tensor throws a TypeError naming it', () => {
  const notTensor = withLeaf(grads(0), 0, 1, new Float32Array(3));
  rejects((s) => update(2, notTensor, grads(1), s), (e) => e instanceof TypeError && /grads leaf 1 \(\[0\]\[1\]\) must be a Tensor, got Float32Array/.test(e.message), 'Float32Array leaf');
});

test('NaN or ±Inf in grads or hessians throws a RangeError naming the leaf and the index', () => {
  rejects(
    (s) => update(2, withValue(grads(0), 1, 0, 7, NaN), grads(1), s),
    (e) => e instanceof RangeError && /grads leaf 2 \(\[1\]\[0\]\) holds NaN at flat index 7; nothing was updated/.test(e.message),
    'NaN in grads',
  );
  rejects(
    (s) => update(2, grads(1), withValue(grads(0), 0, 1, 2, Infinity), s),
    (e) => e instanceof RangeError && /hessians leaf 1 \(\[0\]\[1\]\) holds Infinity at flat index 2/.test(e.message),
    'Inf in hessians (in the scalar tail of a 3-float leaf)',
  );
  rejects(
    (s) => update(2, withValue(grads(0), 0, 0, 11, -Infinity), grads(1), s),
    (e) => e instanceof RangeError && /grads leaf 0 \(\[0\]\[0\]\) holds -Infinity at flat index 11/.test(e.message),
    '-Inf in grads',
  );
  rejects(
    (s) => update(2, grads(1), withValue(grads(0), 1, 0, 4, NaN), s),
    (e) => e instanceof RangeError && /hessians leaf 2/.test(e.message),
    'NaN in an averaged hessians leaf',
  );
  rejects((s) => update(2, withValue(grads(0), 1, 1, 0, NaN), null, s), (e) => e instanceof RangeError && /grads leaf 3/.test(e.message), 'NaN with a delayed Hessian');
});

test('a step i that is not an integer ≥ 0 throws a RangeError', () => {
  for (const i of [-1, 1.5, NaN, Infinity, '2' as any]) {
    rejects((s) => update(i, grads(1), grads(2), s), (e) => e instanceof RangeError && /the step i must be an integer ≥ 0/.test(e.message), `i = ${i}`);
  }
});

test("a state that is not an optimizer state, or another optimizer's, throws a TypeError", () => {
  assert.throws(() => update(0, grads(1), grads(2), {} as any), /expected an optimizer state \(from init or deserialize\), got Object/);
  assert.throws(() => update(0, grads(1), grads(2), undefined as any), TypeError);
  const adamState = adam().init(params());
  assert.throws(() => update(0, grads(1), grads(2), adamState), /this state was made by adam, not adahessian/);
  const [, sgdUpdate] = sgd(0.1);
  rejects((s) => sgdUpdate(2, grads(1), s), (e) => e instanceof TypeError && /made by adahessian, not sgd/.test(e.message), 'sgd on an adahessian state');
});

test('a schedule value that is negative or not finite throws a RangeError at that step', () => {
  for (const value of [-0.1, NaN, Infinity]) {
    const [, scheduled] = adahessian({ stepSize: (i) => (i === 2 ? value : 0.1), spatialAverage: (s) => (s.length === 2 ? [0] : []) });
    rejects((s) => scheduled(2, grads(1), grads(2), s), (e) => e instanceof RangeError && /schedule's value at step 2 must be a finite number ≥ 0/.test(e.message), `schedule ${value}`);
  }
});

test('bad axes from a spatialAverage function throw a RangeError naming the shape', () => {
  for (const [axes, why] of [[[2], /\[4, 3\].*integer in \[-2, 2\)/], [[0, 0], /twice/], [[0.5], /integer/], ['0', /expected an array/]] as const) {
    const [, averaged] = adahessian({ stepSize: 0.1, spatialAverage: () => axes as any });
    rejects((s) => averaged(2, grads(1), grads(2), s), (e) => e instanceof RangeError && /spatialAverage\(\[4, 3\]\) returned/.test(e.message) && why.test(e.message), `axes ${JSON.stringify(axes)}`);
  }
});

test('the first update needs hessians (null only reuses an existing second moment)', () => {
  const [init] = adahessian();
  const s0 = init(params());
  assert.throws(() => update(0, grads(1), null, s0), /the first update needs hessians/);
});

test('first-order optimizers validate their updates too, leaving the state intact', () => {
  for (const [init, upd, getParams] of [adam(0.1), sgd(0.1), momentum(0.1, 0.9)]) {
    const s = upd(0, grads(1), init(params()));
    const bytes = serialize(s);
    assert.throws(() => upd(1, withValue(grads(2), 0, 0, 0, NaN), s), /grads leaf 0 \(\[0\]\[0\]\) holds NaN at flat index 0/);
    assert.throws(() => upd(1, [grads(2)[0]], s), TypeError);
    assert.throws(() => upd(-1, grads(2), s), RangeError);
    assert.deepEqual(serialize(s), bytes);
    assert.ok(getParams(upd(1, grads(2), s)));
  }
  assert.throws(() => adam().init([tensor(1), 'w' as any]), /params leaf 1 \(\[1\]\) must be a Tensor, got string w/);
});

// --- non-finite parameters and overflow ----------------------------------------------------------

test('init rejects NaN or ±Inf parameters with a RangeError naming the leaf and the index', () => {
  for (const [name, init] of [['adahessian', adahessian().init], ['adam', adam().init], ['sgd', sgd(0.1).init], ['momentum', momentum(0.1, 0.9).init]] as const) {
    assert.throws(
      () => init(withValue(params(), 1, 0, 7, NaN)),
      (e: Error) => e instanceof RangeError && new RegExp(`^${name} init: params leaf 2 \\(\\[1\\]\\[0\\]\\) holds NaN at flat index 7`).test(e.message),
      name,
    );
    assert.throws(() => init(withValue(params(), 0, 1, 2, -Infinity)), /params leaf 1 \(\[0\]\[1\]\) holds -Infinity at flat index 2/, name);
  }
});

test('a second moment that overflows float32 throws, naming v and the leaf, and leaves the state unchanged', () => {
  const huge = (t: Tensor[][]) => t.map((l) => l.map((x) => new Tensor(new Float32Array(x.size).fill(1e20), x.shape)));
  rejects(
    (s) => update(2, grads(1), huge(grads(0)), s),
    (e) => e instanceof RangeError && /adahessian update: .*second moment v.* leaf 0 \(\[0\]\[0\]\).*overflow/.test(e.message),
    "h = 1e20 averaged over inputs",
  );
  // spatialAverage 'none', one huge Hessian entry in the scalar tail of a leaf (v overflows there only).
  const [init, none] = adahessian({ stepSize: 0.1, spatialAverage: 'none' });
  const s = none(0, grads(0), grads(10), init(params()));
  const bytes = serialize(s);
  assert.throws(() => none(1, grads(1), withValue(grads(0), 0, 1, 2, 1e20), s), /second moment v .*leaf 1 \(\[0\]\[1\]\).*flat index 2/);
  assert.deepEqual(serialize(s), bytes);
  // Adam's second moment g² overflows the same way.
  const [adamInit, adamUpdate] = adam(0.1);
  const a = adamInit(params());
  assert.throws(() => adamUpdate(0, withValue(grads(0), 1, 1, 4, 1e20), a), /adam update: .*second moment v .*leaf 3 \(\[1\]\[1\]\).*flat index 4/);
});

test('parameters that would overflow to ±Inf throw instead of being stored', () => {
  const big = (t: Tensor[][]) => t.map((l) => l.map((x) => new Tensor(new Float32Array(x.size).fill(3e38), x.shape)));
  const [init, upd] = sgd(10);
  const s = init(big(params()));
  const bytes = serialize(s);
  assert.throws(() => upd(0, big(grads(0)).map((l) => l.map((x) => np.negative(x))), s), /sgd update: .*params leaf 0 \(\[0\]\[0\]\).*Infinity at flat index 0/);
  assert.deepEqual(serialize(s), bytes);
});

// --- states never change --------------------------------------------------------------------------

test('writing into getParams(state) or a Flax target does not reach the state', () => {
  for (const [init, upd, getParams] of [adahessian(0.1), adam(0.1), sgd(0.1), momentum(0.1, 0.9)] as const) {
    const s = init(params());
    const bytes = serialize(s);
    const p = getParams(s) as Tensor[][];
    p[0][0].data.fill(42);
    p[1][1].data[0] = NaN;
    assert.deepEqual(serialize(s), bytes, 'the state is unchanged');
    assert.notEqual((getParams(s) as Tensor[][])[0][0].data[0], 42);
    void upd;
  }
  const opt = new Adahessian({ learningRate: 0.1 }).create(params());
  const bytes = serialize(opt.state);
  (opt.target as Tensor[][])[0][0].data.fill(7);
  assert.deepEqual(serialize(opt.state), bytes, 'the Flax optimizer state is unchanged');
});

test('update(i, grads, state) with the Hessian forgotten says the hessians argument is missing', () => {
  const [init, upd] = adahessian(0.1);
  const s = init(params());
  assert.throws(() => (upd as any)(0, grads(1), s), (e: Error) => e instanceof TypeError && /adahessian update: the hessians argument is missing: call update\(i, grads, hessians, state\)/.test(e.message));
});

test("schedules validate their own arguments: negative rates or step sizes are refused when made", () => {
  assert.throws(() => exponentialDecay(0.1, 2, -0.5), /exponentialDecay: decayRate must be a finite number ≥ 0, got -0.5/);
  assert.throws(() => exponentialDecay(-0.1, 2, 0.5), /exponentialDecay: stepSize must be a finite number ≥ 0, got -0.1/);
  assert.throws(() => inverseTimeDecay(0.1, 2, -1), /inverseTimeDecay: decayRate must be a finite number ≥ 0, got -1/);
  assert.throws(() => constant(-1), /constant: stepSize must be a finite number ≥ 0/);
  assert.throws(() => piecewiseConstant([10], [0.1, -0.01]), /piecewiseConstant: values\[1\] must be a finite number ≥ 0/);
  // what stays allowed: zero rates and step sizes
  assert.equal(exponentialDecay(0.1, 2, 0)(0), 0.1);
  assert.equal(inverseTimeDecay(0, 2, 0)(5), 0);
});
