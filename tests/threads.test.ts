// The thread pool: the same parameter bits after AdaHessian and Adam steps with 1, 2, 3 and 4
// threads (and with the plain single-thread core of ADAHESSIAN_THREADS=1), kernels really split
// (workers took calls), a worker's error surfacing in the caller with the pool usable after it,
// shared memory growing under the workers, setThreads validation, and a process that exits on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getThreads, hvp, nn, np, random, setThreads, tensor, type Tensor } from '../src/index.js';
import { core, pool } from '../src/wasm/instance.js';
import { allocF32, copyIn, copyOut, memoryBytes, scoped } from '../src/wasm/arena.js';
import { convInputGradInto, convInto, convKernelGradInto } from '../src/kernels/conv.js';
import { windowGeometry, writeWindow } from '../src/ops/window.js';
import { trainCnnHashes, trainHashes } from './helpers/threads-training.js';
import { ELEMENTWISE, ROWS } from '../src/threads/split.js';
import { KERNEL_ARITIES } from '../src/wasm/exports.generated.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * body's result with n threads (workers ready first), how many kernel calls were split into parts,
 * and how many of those parts workers took (the rest the calling thread claimed itself).
 */
async function withThreads<T>(n: number, body: () => T | Promise<T>): Promise<{ result: T; splits: number; workerCalls: number }> {
  const previous = getThreads();
  setThreads(n);
  await pool?.ready();
  const splitsBefore = pool?.splits ?? 0;
  const before = pool?.workerCalls ?? 0;
  try {
    const result = await body();
    return { result, splits: (pool?.splits ?? 0) - splitsBefore, workerCalls: (pool?.workerCalls ?? 0) - before };
  } finally {
    setThreads(previous);
  }
}

test('Node runs the shared-memory core with a pool (threads are on by default)', () => {
  assert.ok(pool, 'a pool exists in Node unless ADAHESSIAN_THREADS=1');
  assert.ok(core.memory.buffer instanceof SharedArrayBuffer);
  assert.ok(getThreads() >= 1);
});

test('the split table describes the kernels as they are: every entry an export with that many parameters', () => {
  for (const [name, split] of Object.entries(ELEMENTWISE)) {
    assert.equal(KERNEL_ARITIES[name], split.args.length, `${name}: ${split.args} describes ${split.args.length} parameters`);
  }
  for (const name of Object.keys(ROWS)) assert.ok(KERNEL_ARITIES[name] >= 5, `${name}: (x, y, outer, len, inner, ...)`);
  const blocks = { matmulBlock: 13, conv2dRows: 8, conv2dInputGradImages: 8, conv2dKernelGradBlock: 10 };
  for (const [name, arity] of Object.entries(blocks)) assert.equal(KERNEL_ARITIES[name], arity, name);
});

test('params after AdaHessian and Adam steps: the same bits with 1, 2, 3 and 4 threads, and with the plain core', async () => {
  const one = await withThreads(1, () => trainHashes(3));
  assert.equal(one.splits, 0, 'one thread: no kernel call is split');
  for (const n of [2, 3, 4]) {
    const many = await withThreads(n, () => trainHashes(3));
    assert.ok(many.workerCalls > 0, `${n} threads: workers took kernel calls`);
    assert.deepEqual(many.result, one.result, `${n} threads give the 1-thread bits`);
  }
  // the plain (non-shared) build, as ADAHESSIAN_THREADS=1 selects it, in a fresh process
  const script = `
    import { getThreads } from './src/index.js';
    import { pool } from './src/wasm/instance.js';
    import { trainHashes } from './tests/helpers/threads-training.ts';
    console.log(JSON.stringify({ threads: getThreads(), pool: pool !== null, ...(await trainHashes(3)) }));`;
  const child = runChild(script, { ADAHESSIAN_THREADS: '1' });
  assert.equal(child.status, 0, child.stderr);
  const line = JSON.parse(child.stdout.trim().split('\n').at(-1)!);
  assert.deepEqual(line, { threads: 1, pool: false, ...one.result });
});

test('CNN params after AdaHessian and Adam steps (convolutions split by positions, images and kernel blocks): the same bits with 1, 2, 3 and 4 threads', async () => {
  const one = await withThreads(1, () => trainCnnHashes(2));
  for (const n of [2, 3, 4]) {
    const many = await withThreads(n, () => trainCnnHashes(2));
    assert.ok(many.workerCalls > 0, `${n} threads: workers took kernel calls`);
    assert.deepEqual(many.result, one.result, `${n} threads give the 1-thread bits`);
  }
});

test('matmul of every transpose and a bias, split by panels and by rows, equals one thread bit for bit', async () => {
  const shapes: [number, number, number][] = [[128, 300, 200], [2048, 256, 10], [128, 257, 130]];
  for (const [m, k, n] of shapes) {
    for (const flags of [0, 1, 2, 3]) {
      const a = random.normal(random.key(m + flags), [m * k]).data;
      const b = random.normal(random.key(n + flags), [k * n]).data;
      const bias = random.normal(random.key(k), [n]).data;
      const product = () => scoped(() => {
        const [pa, pb, pbias, pc] = [a.length, b.length, n, m * n].map((count) => allocF32(count));
        const view = new Float32Array(core.memory.buffer);
        view.set(a, pa / 4);
        view.set(b, pb / 4);
        view.set(bias, pbias / 4);
        const pack = allocF32(core.matmulPackBytes(m, k, n, flags) / 4);
        core.matmul(pa, pb, pc, m, k, n, flags, pbias, pack);
        return new Float32Array(core.memory.buffer, pc, m * n).slice();
      });
      const one = await withThreads(1, product);
      const three = await withThreads(3, product);
      assert.ok(three.splits > 0, `${m}×${k}×${n} flags ${flags} was split`);
      assert.deepEqual(three.result, one.result, `${m}×${k}×${n} flags ${flags}`);
    }
  }
});

test('Rademacher draws, split by ranges of the stream, equal one thread and the scalar reference bit for bit', async () => {
  const n = 100_003; // not a multiple of 16 or of the kernel's 28-element step
  const key = random.key(7);
  const draw = () => random.rademacher(key, [n]).data;
  const one = await withThreads(1, draw);
  const three = await withThreads(3, draw);
  assert.ok(three.splits > 0, 'the draw was split');
  assert.deepEqual(new Uint32Array(three.result.buffer), new Uint32Array(one.result.buffer));
  const reference = scoped(() => {
    const out = allocF32(n);
    core.randomRademacherScalar(key[0], key[1], out, n);
    return copyOut(out, n);
  });
  assert.deepEqual(new Uint32Array(one.result.buffer), new Uint32Array(reference.buffer));
});

test('each convolution kernel, split (positions, images, blocks of dk by panels and by rows), equals one thread bit for bit', async () => {
  // dk by panels, by rows, and a first layer's small patch (3×3×1: dk = Pᵀ·dY directly)
  for (const [xShape, outC] of [[[16, 18, 17, 8], 64], [[32, 18, 17, 8], 12], [[128, 20, 20, 1], 32]] as [number[], number][]) {
    const g = windowGeometry('conv2d', xShape, [3, 3], outC, { strides: [1, 2], padding: 'SAME' });
    const xSize = xShape.reduce((a, b) => a * b, 1);
    const kSize = 3 * 3 * xShape[3] * outC;
    const ySize = g.batch * g.outH * g.outW * outC;
    const values = (n: number, seed: number) => random.normal(random.key(seed), [n]).data;
    const kernels = [
      (x: number, k: number, dy: number, geometry: number) => {
        const y = allocF32(ySize);
        convInto(x, k, y, geometry);
        return copyOut(y, ySize);
      },
      (x: number, k: number, dy: number, geometry: number) => {
        const dx = copyIn(values(xSize, 4)); // accumulated into
        convInputGradInto(dy, k, dx, geometry);
        return copyOut(dx, xSize);
      },
      (x: number, k: number, dy: number, geometry: number) => {
        const dk = allocF32(kSize);
        convKernelGradInto(x, dy, dk, geometry);
        return copyOut(dk, kSize);
      },
    ];
    for (const [i, kernel] of kernels.entries()) {
      const run = () => scoped(() => kernel(copyIn(values(xSize, 1)), copyIn(values(kSize, 2)), copyIn(values(ySize, 3)), writeWindow(g)));
      const one = await withThreads(1, run);
      const three = await withThreads(3, run);
      const what = `${['forward', 'input gradient', 'kernel gradient'][i]}, ${xShape[3]} → ${outC} channels`;
      assert.ok(three.splits > 0, `${what}: split`);
      assert.deepEqual(new Uint32Array(three.result.buffer), new Uint32Array(one.result.buffer), what);
    }
  }
});

test('max pooling (split by output positions), its JVP (a gather) and its transpose (split by images) equal one thread bit for bit', async () => {
  // overlapping 2×2 windows, stride 1: 1.48 M outputs, so the pooling, the gather and both
  // scatters into x̄ and its tangent are each cut into several parts
  const x = random.normal(random.key(3), [128, 20, 20, 32]);
  const f = (v: Tensor) => np.sum(np.square(nn.maxPool(v, 2)));
  const derivatives = () => {
    const [g, hv] = hvp(f, [x], x) as [Tensor, Tensor];
    return [g.data, hv.data];
  };
  const one = await withThreads(1, derivatives);
  const three = await withThreads(3, derivatives);
  assert.ok(three.splits > 0 && three.workerCalls > 0, 'split, and workers took parts');
  assert.deepEqual(three.result, one.result);
});

test("a worker's error surfaces as an Error in the caller, and the pool works on", async () => {
  const expected = (await withThreads(1, () => trainHashes(1))).result;
  await withThreads(2, async () => {
    // fill n floats ending 1 MiB past the end of memory: the calling thread's first half is in
    // bounds, the worker's second half traps
    const n = 1 << 19;
    const start = memoryBytes() - n * 2 + (1 << 20) - n * 2;
    assert.throws(() => core.fill(start, 1, n), (error: Error) => {
      assert.match(error.message, /failed in part 2 of 2/);
      assert.match(error.message, /out of bounds/);
      return true;
    });
    assert.deepEqual(await trainHashes(1), expected, 'the next calls use the pool and are correct');
  });
});

test('every part of every split call runs exactly once, over many calls of changing part counts (3 and 4 threads: workers descheduled mid-claim)', async () => {
  // Each call adds 1 to its parts' ranges; a part run twice (or skipped) shows in the totals. On
  // 2 cores, more threads than cores get workers preempted between finishing a part and trying
  // to claim the next, while the caller is already posting the next call with more parts.
  for (const threads of [3, 4]) {
    await withThreads(threads, () => {
      scoped(() => {
        const per = 16;
        const n = per * 8;
        const ones = copyIn(new Float32Array(per).fill(1));
        const totals = copyIn(new Float32Array(n));
        const fn = pool!.kernel('addInto');
        const calls = (parts: number) => Array.from({ length: parts }, (_, p) => ({ fn, args: [totals + p * per * 4, ones, per] }));
        const callsOf = Array.from({ length: 9 }, (_, parts) => calls(parts));
        const expected = new Float32Array(n);
        for (let r = 0; r < 300_000; r++) {
          const parts = r % 2 === 0 ? 2 : 2 + (r % 7); // alternately 2 parts and up to 8, back to back
          pool!.run(callsOf[parts]);
          for (let i = 0; i < parts * per; i += per) expected[i]++;
        }
        for (let i = 0; i < n; i++) expected[i] = expected[i - (i % per)];
        assert.deepEqual(copyOut(totals, n), expected);
      });
    });
  }
});

test('memory grown by the caller is seen by the workers (and the views are refreshed)', async () => {
  await withThreads(2, () => {
    const before = memoryBytes();
    const n = (before / 4) * 2; // more floats than the whole memory holds now: it must grow
    const x = tensor(Float32Array.from({ length: n }, (_, i) => (i % 1000) - 500));
    const y = np.add(x, x);
    assert.ok(memoryBytes() > before, 'memory grew');
    for (let i = 0; i < n; i += 997) assert.equal(y.data[i], 2 * x.data[i]);
    assert.equal(y.data[n - 1], 2 * x.data[n - 1]);
  });
});

test('setThreads validates its argument and getThreads reports the count', () => {
  const previous = getThreads();
  for (const bad of [0, -1, 1.5, NaN, 65, '2' as unknown as number]) {
    assert.throws(() => setThreads(bad), RangeError);
  }
  assert.equal(getThreads(), previous, 'a rejected count changes nothing');
  assert.equal(setThreads(3), 3);
  assert.equal(getThreads(), 3);
  setThreads(previous);
});

test('a process that used the pool exits on its own', () => {
  const script = `
    import { np, random, setThreads } from './src/index.js';
    import { pool } from './src/wasm/instance.js';
    setThreads(2);
    await pool.ready();
    const a = random.normal(random.key(0), [256, 512]);
    np.matmul(a, np.transpose(a));
    console.log('split', pool.splits, 'calls');`;
  const child = runChild(script, {}, 60_000);
  assert.equal(child.error, undefined, 'the child exited before the timeout');
  assert.equal(child.status, 0, child.stderr);
  assert.match(child.stdout, /split [1-9]\d* calls/);
});

function runChild(script: string, env: Record<string, string>, timeout = 120_000) {
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT, encoding: 'utf8', timeout, env: { ...process.env, ...env },
  });
}
