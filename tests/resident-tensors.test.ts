// The transforms' results stay in wasm memory until read (src/wasm/resident-tensor.ts): the same
// bits as when they are copied out, an update reads them where they are and gives the bits of an
// update on JS copies, reading `data` turns one into an ordinary tensor, dispose(tree) frees them
// (and states) with clear errors after, at most RESIDENT_RESULTS results hold blocks at once, a
// loop that disposes keeps wasm memory flat, and threads change no bits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { dispose, getThreads, gradAndHessian, hvp, np, random, setThreads, Tensor, valueAndGrad } from '../src/index.js';
import { adahessian, adam, momentum, rmsprop, serialize, sgd, type OptimizerState } from '../src/optimizers/index.js';
import { RESIDENT_RESULTS, ResidentTensor, residentResults } from '../src/wasm/resident-tensor.js';
import { mark, memoryBytes } from '../src/wasm/arena.js';
import { pool } from '../src/wasm/instance.js';
import { randomTensor } from './optimizers-reference.js';

const SHAPES = [[6, 5], [5], [0, 2]];
const g0 = SHAPES.map((s, k) => randomTensor(10 + k, s));
const h0 = SHAPES.map((s, k) => randomTensor(20 + k, s, -2, 2));
const params = () => SHAPES.map((s, k) => randomTensor(30 + k, s));

// f(p) = Σ g0·p + ½ Σ h0·p²: gradient g0 + h0·p, Hessian diagonal h0, and the Hutchinson estimate
// v ⊙ (H v) = h0 v² = h0 exactly for Rademacher probes.
const f = (p: Tensor[]) =>
  p.map((pk, k) => np.sum(np.add(np.multiply(g0[k], pk), np.multiply(np.multiply(h0[k], 0.5), np.square(pk))))).reduce((a, b) => np.add(a, b));
const gah = (p: Tensor[], seed = 0) => gradAndHessian(f, [p], random.key(seed)) as [Tensor[], Tensor[]];

const bits = (ts: Tensor[]) => ts.map((t) => Array.from(new Uint32Array(Float32Array.from(t.data).buffer)));
const isResident = (t: Tensor) => t instanceof ResidentTensor && t.address >= 0;
const copies = (ts: Tensor[]) => ts.map((t) => new Tensor(t.data.slice(), t.shape));

/** Runs body while RESIDENT_RESULTS results hold blocks, so the transforms inside it fall back to JS. */
function withBoundReached<T>(body: () => T): T {
  const held: unknown[] = [];
  while (residentResults() < RESIDENT_RESULTS) held.push(gah(params()));
  try {
    return body();
  } finally {
    dispose(held);
  }
}

test('gradAndHessian, valueAndGrad and hvp results stay in wasm, with the bits of the JS fallback and the known answers', () => {
  const before = residentResults();
  const [g, h] = gah(params());
  assert.ok([...g, ...h].every(isResident), 'all in wasm blocks');
  assert.equal(residentResults(), before + 1, 'one result');
  const [value, vg] = valueAndGrad(f)(params()) as [Tensor, Tensor[]];
  const [hg, hv] = hvp(f, [params()], h0) as [Tensor[], Tensor[]];
  assert.ok([...vg, ...hg, ...hv].every(isResident));

  const [gJs, hJs] = withBoundReached(() => gah(params()));
  const [, vgJs] = withBoundReached(() => valueAndGrad(f)(params()) as [Tensor, Tensor[]]);
  const [hgJs, hvJs] = withBoundReached(() => hvp(f, [params()], h0) as [Tensor[], Tensor[]]);
  assert.ok([...gJs, ...hJs, ...vgJs, ...hgJs, ...hvJs].every((t) => t instanceof ResidentTensor && t.address === -1), 'JS fallback');

  assert.deepEqual(bits(g), bits(gJs));
  assert.deepEqual(bits(h), bits(hJs));
  assert.deepEqual(bits(vg), bits(vgJs));
  assert.deepEqual(bits(hg), bits(hgJs));
  assert.deepEqual(bits(hv), bits(hvJs));
  // known answers: the estimate is h0 exactly; the gradient g0 + h0·p up to float32 rounding
  assert.deepEqual(bits(h), bits(h0));
  const p = params();
  g.forEach((t, k) => t.data.forEach((x, e) => assert.ok(Math.abs(x - (g0[k].data[e] + h0[k].data[e] * p[k].data[e])) < 1e-5)));
  assert.ok(Number.isFinite(value.item()));
  assert.equal(residentResults(), before, 'reading data freed every block');
});

test('an update on resident gradients and Hessians gives the bits of one on JS copies, for every optimizer', () => {
  const steps: [string, (g: Tensor[], h: Tensor[]) => OptimizerState][] = [];
  const chain = (name: string, make: () => { init: (p: unknown) => OptimizerState }, run: (u: any, i: number, g: Tensor[], h: Tensor[], s: OptimizerState) => OptimizerState) => {
    steps.push([name, (g, h) => {
      const opt = make() as any;
      let s = opt.init(params());
      for (let i = 0; i < 3; i++) {
        const next = run(opt.update, i, g, h, s);
        s.dispose();
        s = next;
      }
      return s;
    }]);
  };
  chain('adahessian last', () => adahessian(0.05), (u, i, g, h, s) => u(i, g, i === 1 ? null : h, s));
  chain('adahessian none', () => adahessian({ stepSize: 0.05, spatialAverage: 'none' }), (u, i, g, h, s) => u(i, g, h, s));
  chain('adam', () => adam(0.05), (u, i, g, _h, s) => u(i, g, s));
  chain('sgd', () => sgd(0.05), (u, i, g, _h, s) => u(i, g, s));
  chain('momentum', () => momentum(0.05, 0.9), (u, i, g, _h, s) => u(i, g, s));
  chain('rmsprop', () => rmsprop(0.05), (u, i, g, _h, s) => u(i, g, s));
  for (const [name, run] of steps) {
    const [g, h] = gah(params());
    const [gCopy, hCopy] = gah(params()).map(copies);
    const onResident = run(g, h);
    assert.ok([...g, ...h].every(isResident), `${name}: update leaves its inputs in wasm`);
    const onJs = run(gCopy, hCopy);
    assert.deepEqual(serialize(onResident), serialize(onJs), name);
    dispose([g, h, onResident, onJs]);
  }
});

test('reading data turns a result into an ordinary tensor: writes into it are what a later update sees', () => {
  const [init, update] = adahessian(0.05);
  const [g, h] = gah(params());
  g[0].data[3] += 1; // the first read copies out and frees the block; this write is to that copy
  assert.equal((g[0] as ResidentTensor).address, -1);
  assert.equal(g[0].data[3], g[0].data[3], 'the same array every time');
  const same = g[0].data;
  assert.equal(g[0].data, same);
  const s0 = init(params());
  const a = update(0, g, h, s0);
  const b = update(0, copies(g), copies(h), s0);
  assert.deepEqual(serialize(a), serialize(b));
  dispose([g, h, a, b, s0]);
});

test('dispose(tree) frees results and states; using them after throws a clear error; plain tensors are left alone', () => {
  const before = residentResults();
  const [init, update, getParams] = adahessian(0.05);
  const s0 = init(params());
  const [g, h] = gah(params());
  const s1 = update(0, g, h, s0);
  const plain = params();
  const [gJs] = withBoundReached(() => gah(params())); // in JS memory: disposable all the same
  dispose({ grads: g, hessians: h, state: s1, plain, nothing: null, n: 3, gJs });
  dispose([g, s1]); // twice is harmless
  assert.equal(residentResults(), before);
  assert.throws(() => g[0].data, /this tensor \(shape \[6, 5\]\) was disposed \(dispose\(\)\)/);
  assert.throws(() => gJs[1].data, /was disposed/);
  assert.throws(() => np.sum(h[1]), /was disposed/);
  assert.throws(() => getParams(s1), /disposed/);
  assert.throws(() => update(0, g, h, s0), /adahessian update: grads leaf 0 \(\[0\]\) was disposed/);
  assert.match(inspect(g[0]), /Tensor\(disposed, shape=\[6, 5\]\)/);
  assert.equal(plain[0].data.length, 30, 'plain tensors untouched');
  assert.doesNotThrow(() => getParams(s0));
  const [fresh] = gah(params());
  assert.match(inspect(fresh[1]), /^Tensor\(\[.*\], shape=\[5\]\)$/s, 'a live result prints its values');
  dispose(fresh);
});

test('beyond RESIDENT_RESULTS results holding blocks, transforms give JS tensors; disposing one makes room again', () => {
  const held: [Tensor[], Tensor[]][] = [];
  while (residentResults() < RESIDENT_RESULTS) held.push(gah(params()));
  const [g] = gah(params());
  assert.ok(g.every((t) => !isResident(t)), 'past the bound: JS memory');
  dispose(held.pop()!);
  const [again] = gah(params());
  assert.ok(again.every(isResident), 'room again');
  assert.deepEqual(bits(again), bits(g));
  dispose([held, g, again]);
});

test('a training loop that disposes its gradients, Hessians and old states keeps wasm memory flat', () => {
  const [init, update] = adahessian(0.01);
  let s = init(params());
  const step = (i: number) => {
    const [g, h] = gah(params(), i % 5);
    assert.ok(isResident(g[0]) && isResident(h[0]));
    const next = update(i, g, h, s);
    dispose([g, h, s]);
    s = next;
  };
  for (let i = 0; i < 20; i++) step(i);
  const wasmBefore = memoryBytes();
  const arenaBefore = mark();
  const resultsBefore = residentResults();
  for (let i = 20; i < 1000; i++) step(i);
  assert.equal(memoryBytes(), wasmBefore);
  assert.equal(mark(), arenaBefore);
  assert.equal(residentResults(), resultsBefore);
  s.dispose();
});

test('resident results and updates on them: the same bits with 1 and 2 threads', async () => {
  const shapes = [[256, 512], [512]]; // large enough for the kernels to split
  const g1 = shapes.map((s, k) => randomTensor(40 + k, s));
  const h1 = shapes.map((s, k) => randomTensor(50 + k, s, -2, 2));
  const big = (p: Tensor[]) =>
    p.map((pk, k) => np.sum(np.add(np.multiply(g1[k], pk), np.multiply(np.multiply(h1[k], 0.5), np.square(pk))))).reduce((a, b) => np.add(a, b));
  const run = () => {
    const [init, update, getParams] = adahessian(0.01);
    let s = init(shapes.map((sh, k) => randomTensor(60 + k, sh)));
    for (let i = 0; i < 3; i++) {
      const [g, h] = gradAndHessian(big, [getParams(s)], random.key(i)) as [Tensor[], Tensor[]];
      assert.ok(isResident(g[0]) && isResident(h[0]));
      const next = update(i, g, h, s);
      dispose([g, h, s]);
      s = next;
    }
    const out = serialize(s);
    s.dispose();
    return out;
  };
  const previous = getThreads();
  try {
    setThreads(1);
    const one = run();
    setThreads(2);
    await pool?.ready();
    const before = pool?.splits ?? 0;
    const two = run();
    if (pool) assert.ok(pool.splits > before, 'kernel calls were split');
    assert.deepEqual(two, one);
  } finally {
    setThreads(previous);
  }
});
