// src/training against independent references: the batch order, the seed's loss and accuracy in
// float64, the params hash against Python's hashlib, the Trainer against a hand-written copy of
// the seed's training loop, checkpoints (resume = uninterrupted, bit for bit), configs and plots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, random, stax, tree, valueAndGrad, gradAndHessian, tensor } from '../src/index.js';
import { adahessian, adam } from '../src/optimizers/index.js';
import {
  Trainer,
  batchAt,
  batchesPerEpoch,
  checkConfig,
  defaultConfig,
  epochOrder,
  evaluate,
  lossFor,
  mlp,
  paramsSha256,
  type TrainConfig,
} from '../src/training/index.js';
import { decodeCheckpoint, encodeCheckpoint } from '../src/cli/checkpoint.js';
import { loadData } from '../src/cli/data.js';
import { learningCurvesSvg } from '../src/cli/plot.js';
import { recordOf } from '../src/cli/record.js';
import { summaryTable } from '../src/cli/table.js';

const small = (optimizer: TrainConfig['optimizer'], extra: Partial<TrainConfig> = {}): TrainConfig => ({
  ...defaultConfig(optimizer),
  epochs: 2,
  batchSize: 64,
  hidden: [16],
  limit: 300,
  ...extra,
});

test('batches: each epoch a permutation from foldIn(dataKey, epoch), cut in order, the last batch partial', () => {
  const key = random.key(9);
  const n = 300;
  const images = new Tensor(Float32Array.from({ length: n * 2 }, (_, i) => Math.floor(i / 2)), [n, 2]); // row r = [r, r]
  const labels = new Tensor(Float32Array.from({ length: n }, (_, i) => i), [n, 1]);
  assert.equal(batchesPerEpoch(n, 128), 3);
  const orders = [0, 1].map((e) => epochOrder(key, e, n));
  assert.deepEqual(orders[0], random.permutation(random.foldIn(key, 0), n));
  assert.notDeepEqual(orders[0], orders[1]);
  for (const order of orders) {
    const seen: number[] = [];
    const sizes: number[] = [];
    for (let b = 0; b < 3; b++) {
      const [x, y] = batchAt(images, labels, order, b, 128);
      sizes.push(x.shape[0]);
      for (let r = 0; r < x.shape[0]; r++) {
        assert.equal(x.data[2 * r], y.data[r], 'images and labels stay paired');
        seen.push(y.data[r]);
      }
    }
    assert.deepEqual(sizes, [128, 128, 44]);
    assert.deepEqual(seen, Array.from(order), 'batches follow the permutation in order');
    assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
  }
});

test("the seed's loss and accuracy equal a float64 computation, whatever the chunk size", () => {
  const [init, apply] = mlp([4], 3);
  const [, params] = init(random.key(2), [-1, 5]);
  const n = 23;
  const x = random.uniform(random.key(3), [n, 5]);
  const classes = Array.from({ length: n }, (_, i) => (i * 7) % 3);
  const y = new Tensor(Float32Array.from({ length: n * 3 }, (_, k) => (classes[Math.floor(k / 3)] === k % 3 ? 1 : 0)), [n, 3]);
  const [[w1, b1], , [w2, b2]] = params as Tensor[][];
  let lossSum = 0;
  let correct = 0;
  for (let r = 0; r < n; r++) {
    const h = [0, 1, 2, 3].map((j) => Math.max(0, b1.data[j] + [0, 1, 2, 3, 4].reduce((s, k) => s + x.data[r * 5 + k] * w1.data[k * 4 + j], 0)));
    const z = [0, 1, 2].map((j) => b2.data[j] + [0, 1, 2, 3].reduce((s, k) => s + h[k] * w2.data[k * 3 + j], 0));
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
    lossSum -= z[classes[r]] - lse;
    if (z.indexOf(m) === classes[r]) correct++;
  }
  for (const chunk of [1000, 7, 1]) {
    const e = evaluate(apply, params, x, y, chunk);
    assert.ok(Math.abs(e.loss - lossSum / n) < 1e-5, `chunk ${chunk}: loss ${e.loss} vs ${lossSum / n}`);
    assert.equal(e.accuracy, correct / n, `chunk ${chunk}`);
  }
  const batchLoss = lossFor(apply)(params, [x, y]).item();
  assert.ok(Math.abs(batchLoss - lossSum / n) < 1e-5);
});

test('paramsSha256 hashes the little-endian float32 leaves in flatten order (known answers from hashlib)', async () => {
  // Python: hashlib.sha256(struct.pack('<4f', 1.0, -2.0, 0.5, 3.25)).hexdigest()
  const want = '511521a121d228da0eba54ee5481104dd928880d040adfcf8be1fa42b41138f8';
  assert.equal(await paramsSha256([[tensor([1]), tensor([-2, 0.5])], [], { w: tensor([3.25]) }]), want);
  assert.equal(await paramsSha256([]), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.notEqual(await paramsSha256([tensor([1, -2, 0.5, Math.fround(3.25 + 1e-6)])]), want);
});

test("Trainer = the seed's loop written out by hand (AdaHessian, Hessian every other step; Adam)", async () => {
  const data = loadData('mnist', 300);
  for (const config of [small('adahessian', { hessianEvery: 2, samples: 2 }), small('adam')]) {
    const trainer = new Trainer(config, data);
    while (!trainer.done) trainer.step();

    // by hand: the seed's single key for init, batch order and probes; per-epoch permutations; the seed's update
    const initKey = random.key(config.seed);
    const dataKey = initKey;
    const probeKey = initKey;
    const [init, apply] = stax.serial(stax.Dense(16), stax.Relu, stax.Dense(10), stax.LogSoftmax);
    const [, params0] = init(initKey, [-1, 784]);
    const loss = lossFor(apply);
    const spatial = (s: readonly number[]) => (s.length === 2 ? [0] : []);
    let rng = probeKey;
    let i = 0;
    let params: unknown;
    if (config.optimizer === 'adahessian') {
      const [optInit, update, getParams] = adahessian({ stepSize: 0.15, eps: 1e-4, spatialAverage: spatial });
      let state = optInit(params0);
      for (let epoch = 0; epoch < 2; epoch++) {
        const order = random.permutation(random.foldIn(dataKey, epoch), 300);
        for (let b = 0; b < 5; b++, i++) {
          const batch = batchAt(data.trainImages, data.trainLabels, order, b, 64);
          if (i % 2 === 0) {
            const [next, rngStep] = random.split(rng);
            rng = next;
            const [g, h] = gradAndHessian(loss, [getParams(state), batch], rngStep, 0, { samples: 2 });
            state = update(i, g, h, state);
          } else {
            const [, g] = valueAndGrad(loss)(getParams(state), batch);
            state = update(i, g, null, state);
          }
        }
      }
      params = getParams(state);
    } else {
      const [optInit, update, getParams] = adam({ stepSize: 1e-3 });
      let state = optInit(params0);
      for (let epoch = 0; epoch < 2; epoch++) {
        const order = random.permutation(random.foldIn(dataKey, epoch), 300);
        for (let b = 0; b < 5; b++, i++) {
          const [, g] = valueAndGrad(loss)(getParams(state), batchAt(data.trainImages, data.trainLabels, order, b, 64));
          state = update(i, g, state);
        }
      }
      params = getParams(state);
    }
    assert.equal(await trainer.paramsSha256(), await paramsSha256(params), config.optimizer);
    assert.equal(trainer.state.step, 10);
    assert.deepEqual(trainer.state.epochs.map((e) => e.epoch), [1, 2]);
    const final = evaluate(apply, params, data.testImages, data.testLabels);
    assert.equal(trainer.state.epochs[1].testAccuracy, final.accuracy);
  }
});

test('a checkpoint taken mid-epoch resumes to the same params, bit for bit, and the same history', async () => {
  const data = loadData('mnist', 300);
  const config = small('adahessian', { hessianEvery: 3 });
  const uninterrupted = new Trainer(config, data);
  while (!uninterrupted.done) uninterrupted.step();

  const first = new Trainer(config, data);
  for (let s = 0; s < 7; s++) first.step(); // epoch 1, batch 2
  const bytes = encodeCheckpoint({ config, dataSha256: '0'.repeat(64), state: first.state });
  const restored = decodeCheckpoint(bytes);
  assert.deepEqual(restored.config, config);
  const resumed = new Trainer(restored.config, data, restored.state);
  assert.equal(resumed.state.step, 7);
  while (!resumed.done) resumed.step();
  assert.equal(await resumed.paramsSha256(), await uninterrupted.paramsSha256());
  assert.deepEqual(resumed.state.batchLosses, uninterrupted.state.batchLosses);
  assert.deepEqual(
    resumed.state.epochs.map(({ seconds, ...m }) => m),
    uninterrupted.state.epochs.map(({ seconds, ...m }) => m),
  );
  assert.throws(() => resumed.step(), /the run is complete/);

  // damaged checkpoints are refused with the reason
  const wrongMagic = bytes.slice();
  wrongMagic[0] = 0x41 + 1;
  assert.throws(() => decodeCheckpoint(wrongMagic, 'x.ckpt'), /x\.ckpt: not a checkpoint .*wrong magic/);
  assert.throws(() => decodeCheckpoint(bytes.subarray(0, 30), 'x.ckpt'), /x\.ckpt: not a checkpoint .*truncated header/);
  assert.throws(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 4)), /^Error: checkpoint: .*checksum mismatch/);
  // a checkpoint of another data set size does not fit this run
  assert.throws(() => new Trainer(config, loadData('mnist', 200), restored.state), /cannot resume at step 7/);
});

test('checkConfig names the bad field and what was expected', () => {
  const good = defaultConfig('adahessian');
  assert.deepEqual(checkConfig(good), good);
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ ...good, optimizer: 'lbfgs' }, /optimizer must be one of adam, adahessian, sgd, got "lbfgs"/],
    [{ ...good, epochs: 0 }, /epochs must be a positive integer, got 0/],
    [{ ...good, hidden: [32, -1] }, /hidden\[1\] must be a positive integer/],
    [{ ...good, lr: Infinity }, /lr must be a finite number ≥ 0/],
    [{ ...good, spatialAverage: 'rows' }, /spatialAverage must be one of last, conv, none, inputs/],
    [{ ...good, data: 'http://x' }, /data must be 'mnist' or 'idx:<dir>'/],
    [{ ...good, seed: -1 }, /seed must be an integer in \[0, 2\^32\)/],
    [{ ...defaultConfig('sgd'), eps: 1e-8 }, /'eps' does not apply to optimizer sgd/],
    [(({ samples, ...rest }) => rest)(good), /missing 'samples'/],
    [{ ...good, model: 'rnn' }, /model must be one of mlp, cnn, got "rnn"/],
    [{ ...defaultConfig('adam', 'cnn'), hidden: [8] }, /'hidden' does not apply to optimizer adam with model cnn/],
  ];
  for (const [config, message] of bad) assert.throws(() => checkConfig(config), message);
  // a CNN's AdaHessian averages over each kernel window; run files without a model are MLPs
  const cnn = defaultConfig('adahessian', 'cnn');
  assert.deepEqual([cnn.model, cnn.spatialAverage, 'hidden' in cnn], ['cnn', 'conv', false]);
  assert.deepEqual(checkConfig(cnn), cnn);
  assert.deepEqual(checkConfig((({ model, ...rest }) => rest)(good)), good);
});

/** Every tag closed in order, every attribute quoted: enough to know an SVG viewer can parse it. */
function assertWellFormed(xml: string): void {
  const stack: string[] = [];
  const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<|>/g)) {
    if (m[0] === '<' || m[0] === '>') assert.fail(`stray '${m[0]}' at ${m.index}: ${body.slice(m.index! - 40, m.index! + 40)}`);
    const [, closing, name, , selfClosing] = m;
    if (selfClosing) continue;
    if (closing) assert.equal(stack.pop(), name, `</${name}> at ${m.index}`);
    else stack.push(name);
  }
  assert.deepEqual(stack, [], 'unclosed tags');
}

test('learning curves: a well-formed SVG with both runs, and the summary table', async () => {
  const data = loadData('mnist', 200);
  const records = [];
  for (const optimizer of ['adam', 'adahessian'] as const) {
    const trainer = new Trainer(small(optimizer, { limit: 200 }), data);
    while (!trainer.done) trainer.step();
    records.push(await recordOf(`tiny-${optimizer}`, trainer, '0'.repeat(64)));
  }
  const svg = learningCurvesSvg(records, 'a <title> & more');
  assertWellFormed(svg);
  assert.match(svg, /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="\d+" height="\d+"/);
  assert.match(svg, /a &lt;title&gt; &amp; more/);
  // per run: batch-loss line, test-loss line, train and test accuracy lines
  assert.equal(svg.match(/<polyline /g)?.length, 8);
  assert.match(svg, /tiny-adam: test \d+\.\d\d %/);
  const table = summaryTable(records).split('\n');
  assert.equal(table.length, 4);
  assert.match(table[0], /^run\s+test acc\s+train acc\s+test loss\s+train loss\s+s\/epoch\s+steps\/s$/);
  const acc = (records[1].summary.testAccuracy * 100).toFixed(2);
  assert.ok(table[3].startsWith('tiny-adahessian') && table[3].includes(`${acc} %`), table[3]);
  assert.throws(() => learningCurvesSvg([]), /no runs/);
});
