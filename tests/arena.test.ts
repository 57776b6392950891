// The wasm arena: allocation, release, views after growth, and oversized requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np, tensor } from '../src/index.js';
import { alloc, allocF32, copyIn, copyOut, f32, mark, memoryBytes, release, scoped } from '../src/wasm/arena.js';

test('allocations are 64-byte aligned and released back to the mark', () => {
  const m = mark();
  const a = alloc(3);
  const b = alloc(100);
  assert.equal(a % 64, 0);
  assert.equal(b % 64, 0);
  assert.ok(b >= a + 64);
  release(m);
  assert.equal(mark(), m);
  assert.equal(scoped(() => (alloc(1000), 7)), 7);
  assert.equal(mark(), m, 'scoped released what it allocated');
  assert.throws(() => scoped(() => { alloc(10); throw new Error('boom'); }), /boom/);
  assert.equal(mark(), m, 'scoped releases even when the body throws');
});

test('memory grows on demand and fresh views see the data written before growth', () => {
  const m = mark();
  const before = memoryBytes();
  const p = copyIn([1, 2, 3]);
  const big = allocF32((before / 4) * 2); // forces the memory to grow
  assert.ok(memoryBytes() > before);
  f32(big, 4).set([9, 9, 9, 9]);
  assert.deepEqual(Array.from(copyOut(p, 3)), [1, 2, 3]);
  release(m);
});

test('oversized requests are a clear RangeError, not a wasm trap, and leave the arena usable', () => {
  const m = mark();
  assert.throws(() => alloc(5 * 1024 ** 3), (e: Error) => e instanceof RangeError && /exceeds the 4 GiB wasm memory limit/.test(e.message));
  assert.throws(() => alloc(-1), /finite, non-negative size/);
  assert.throws(() => alloc(NaN), /finite, non-negative size/);
  assert.equal(mark(), m);
  // a failing op releases its intermediates, and later ops still work
  assert.throws(() => np.add(tensor([1, 2, 3]), tensor([1, 2])), RangeError);
  assert.equal(mark(), m);
  assert.deepEqual(Array.from(np.add(tensor([1, 2]), 1).data), [2, 3]);
});

test('wasm memory never shrinks after a large temporary, and the README says so', async () => {
  const { readFileSync } = await import('node:fs');
  const before = memoryBytes();
  const big = before + 64 * 1024 * 1024;
  scoped(() => allocF32(big / 4));
  assert.ok(memoryBytes() >= big, 'memory grew for the temporary');
  assert.ok(memoryBytes() >= big, 'and stays grown once it is released');
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  assert.match(readme, /### Memory: wasm memory never shrinks/);
  assert.match(readme, /worker or a\s+child process/);
});
