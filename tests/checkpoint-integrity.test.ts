// Checkpoints are refused when damaged or inconsistent, naming the file: a checksum over every
// byte, every header field checked (also when re-sealed with a valid checksum), and the
// parameters' shapes against the config. (The data fingerprint is checked by the CLI: cli.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../src/index.js';
import { crc32 } from '../src/crc32.js';
import { Trainer, datasetSha256, defaultConfig, type TrainConfig } from '../src/training/index.js';
import { decodeCheckpoint, encodeCheckpoint } from '../src/cli/checkpoint.js';
import { loadData } from '../src/cli/data.js';

const config: TrainConfig = { ...defaultConfig('adahessian'), epochs: 2, batchSize: 64, hidden: [8], limit: 200 };
const data = loadData('mnist', 200);
const trainer = new Trainer(config, data);
for (let s = 0; s < 5; s++) trainer.step(); // epoch 1, batch 1
const dataSha256 = await datasetSha256(data);
const good = encodeCheckpoint({ config, dataSha256, state: trainer.state });

/** The checkpoint's header as JSON, and a way to write an edited one back with a valid checksum. */
function headerOf(bytes: Uint8Array): { header: any; reseal: (header: any) => Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(12, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + length)));
  const rest = bytes.subarray(16 + length, bytes.length - 4);
  return {
    header,
    reseal(edited) {
      const text = new TextEncoder().encode(JSON.stringify(edited));
      const out = new Uint8Array(16 + text.length + rest.length + 4);
      out.set(bytes.subarray(0, 12));
      new DataView(out.buffer).setUint32(12, text.length, true);
      out.set(text, 16);
      out.set(rest, 16 + text.length);
      new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
      return out;
    },
  };
}

test('a changed byte anywhere in a checkpoint is refused, and the error names the file', () => {
  // every byte of the header and the optimizer header, then every 13th byte of the floats
  for (let at = 0; at < good.length; at += at < 2048 ? 1 : 13) {
    const damaged = good.slice();
    damaged[at] ^= 0x10;
    assert.throws(() => decodeCheckpoint(damaged, 'runs/x.step5.ckpt'), /^Error: runs\/x\.step5\.ckpt: not a checkpoint|^RangeError: runs\/x\.step5\.ckpt: not an optimizer state/, `byte ${at}`);
  }
  assert.throws(() => decodeCheckpoint(good.subarray(0, good.length - 1), 'runs/x.step5.ckpt'), /^Error: runs\/x\.step5\.ckpt: .*checksum mismatch/);
});

test('re-sealed header edits are refused with what was wrong: probe key, initial, metrics, step', () => {
  const { header, reseal } = headerOf(good);
  const cases: [any, RegExp][] = [
    [{ ...header, probeKey: ['a', 'b'] }, /probeKey must be two integers in \[0, 2\^32\), got \["a","b"\]/],
    [{ ...header, probeKey: [1, 2 ** 32] }, /probeKey must be two integers/],
    [(({ initial, ...rest }) => rest)(header), /initial must hold finite trainLoss, trainAccuracy, testLoss, testAccuracy, got undefined/],
    [{ ...header, initial: { ...header.initial, testLoss: null } }, /initial must hold finite/],
    [{ ...header, epochs: [{ ...header.epochs[0], epoch: 2 }] }, /epochs\[0\] must be the metrics of epoch 1/],
    [{ ...header, batchLosses: header.batchLosses.slice(1) }, /batchLosses must be 5 finite numbers/],
    [{ ...header, step: 4 }, /step 4 but the optimizer state is at step 5/],
    [{ ...header, epochSeconds: -1 }, /epochSeconds must be a finite number ≥ 0/],
    [{ ...header, dataSha256: 'x' }, /dataSha256 must be 64 hex digits/],
    [{ ...header, config: { ...header.config, optimizer: 'adam', spatialAverage: undefined, samples: undefined, hessianEvery: undefined } }, /optimizer state is adahessian's but its config says adam/],
    [{ ...header, config: { ...header.config, lr: -1 } }, /lr must be a finite number ≥ 0/],
  ];
  for (const [edited, message] of cases) {
    assert.throws(() => decodeCheckpoint(reseal(edited), 'c.ckpt'), (e: Error) => e.message.startsWith('c.ckpt: ') && message.test(e.message), String(message));
  }
});

test('a config whose hidden widths do not fit the stored parameters is refused before training', () => {
  const { header, reseal } = headerOf(good);
  const restored = decodeCheckpoint(reseal({ ...header, config: { ...header.config, hidden: [9] } }));
  assert.throws(() => new Trainer(restored.config, data, restored.state), /cannot resume: the checkpoint's parameters .*\[784, 8\].* do not fit the model its config describes \(.*: \[784, 9\]/);
});

test('the data fingerprint: in every checkpoint, and one changed pixel changes it', async () => {
  assert.equal(decodeCheckpoint(good).dataSha256, dataSha256);
  assert.match(dataSha256, /^[0-9a-f]{64}$/);
  const pixels = data.trainImages.data.slice();
  pixels[12345] = pixels[12345] === 0 ? 1 : 0;
  assert.notEqual(await datasetSha256({ ...data, trainImages: new Tensor(pixels, data.trainImages.shape) }), dataSha256);
  const fewer = { ...data, testLabels: new Tensor(data.testLabels.data.subarray(10), [data.testLabels.shape[0] - 1, 10]) };
  assert.notEqual(await datasetSha256(fewer), dataSha256);
});

test('an empty training or test set is a clear error before training', () => {
  const empty = (t: Tensor) => new Tensor(new Float32Array(0), [0, t.shape[1]]);
  assert.throws(
    () => new Trainer(config, { ...data, trainImages: empty(data.trainImages), trainLabels: empty(data.trainLabels) }),
    /mnist: the training set is empty \(0 examples\); expected at least one/,
  );
  assert.throws(
    () => new Trainer(config, { ...data, testImages: empty(data.testImages), testLabels: empty(data.testLabels) }),
    /mnist: the test set is empty \(0 examples\)/,
  );
});
