// AdaHessian's step that reads the spatial means per row (adahessianStepRows) instead of a
// broadcast copy: its split-table entry matches the export, and split over threads (by rows, or by
// the averaged axis for a one-row leaf such as a conv kernel under 'conv') it gives the bits of one
// thread. (Its bits against the broadcast step: assembly/__tests__/optim.spec.ts; against the
// golden runs: optimizers-golden.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getThreads, setThreads, type Shape } from '../src/index.js';
import { adahessian, serialize, type SpatialAverage } from '../src/optimizers/index.js';
import { pool } from '../src/wasm/instance.js';
import { ROW_STEPS } from '../src/threads/split.js';
import { KERNEL_ARITIES } from '../src/wasm/exports.generated.js';
import { randomTensor } from './optimizers-reference.js';

test('the row-step split table describes the kernels as they are', () => {
  for (const [name, split] of Object.entries(ROW_STEPS)) {
    assert.equal(KERNEL_ARITIES[name], split.args.length, `${name}: ${split.args}`);
    for (const kind of 'oli') assert.equal(split.args.split(kind).length, 2, `${name}: one '${kind}'`);
  }
});

const CASES: [string, Shape, SpatialAverage][] = [
  ['rows of a matrix (last)', [512, 256], 'last'],
  ['a conv kernel averaged over its window: one row (conv)', [3, 3, 64, 128], 'conv'],
  ['the middle axis of three', [64, 32, 64], () => [1]],
];

function run(shape: Shape, spatialAverage: SpatialAverage): Uint8Array {
  const [init, update] = adahessian({ stepSize: 0.01, spatialAverage });
  let s = init([randomTensor(1, shape)]);
  for (let i = 0; i < 2; i++) {
    const next = update(i, [randomTensor(10 + i, shape)], [randomTensor(20 + i, shape, -2, 2)], s);
    s.dispose();
    s = next;
  }
  const bytes = serialize(s);
  s.dispose();
  return bytes;
}

test('AdaHessian with the means read per row: the same bits with 1 and 2 threads', { skip: !pool }, async () => {
  const previous = getThreads();
  try {
    for (const [what, shape, spatialAverage] of CASES) {
      setThreads(1);
      const one = run(shape, spatialAverage);
      setThreads(2);
      await pool!.ready();
      const before = pool!.splits;
      const two = run(shape, spatialAverage);
      assert.ok(pool!.splits > before, `${what}: split`);
      assert.deepEqual(two, one, what);
    }
  } finally {
    setThreads(previous);
  }
});
