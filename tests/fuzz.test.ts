// Seeded fuzzing of every reader of untrusted bytes: serialized optimizer states, checkpoints, run
// files and IDX files (raw and gzipped). Each case damages a valid file (a truncation, byte flips,
// appended bytes, or a field edit re-sealed with a valid checksum) and checks that the reader
//   - throws an Error that names the source, never crashing, hanging or over-allocating, and
//   - never accepts damaged bytes; a re-sealed field edit is refused or read back consistently.
// FUZZ_ITERATIONS cases per reader (default 60, a few seconds); FUZZ_SEED picks the stream.
//   FUZZ_ITERATIONS=5000 node --import tsx --test tests/fuzz.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { random, tensor, Tensor } from '../src/index.js';
import { adahessian, deserialize, serialize } from '../src/optimizers/index.js';
import { crc32 } from '../src/crc32.js';
import { Trainer, datasetSha256, defaultConfig, type TrainConfig } from '../src/training/index.js';
import { decodeCheckpoint, encodeCheckpoint } from '../src/cli/checkpoint.js';
import { readRunRecord, recordOf, runFileText } from '../src/cli/record.js';
import { loadData } from '../src/cli/data.js';
import { loadIdx, parseIdx } from '../src/datasets/index.js';

const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? 0);
const CASE_SECONDS = 5;
const ALLOCATION_SLACK = 64 * 1024 * 1024;

/** Seeded choices: uint32 words from the library's threefry, one key per (reader, case). */
function chooser(reader: number, i: number) {
  const words = random.bits(random.foldIn(random.foldIn(random.key(SEED), reader), i), [64]);
  let next = 0;
  return (n: number) => words[next++ % words.length] % n;
}

type Pick = ReturnType<typeof chooser>;

/** One random damage: a truncation, 1-4 byte changes, or appended bytes. Never the identity. */
function damage(bytes: Uint8Array, pick: Pick): { bytes: Uint8Array; what: string } {
  const kind = pick(3);
  if (kind === 0) {
    const length = pick(bytes.length);
    return { bytes: bytes.slice(0, length), what: `truncated to ${length}` };
  }
  if (kind === 1) {
    const out = bytes.slice();
    const at: number[] = [];
    for (let k = 0, n = 1 + pick(4); k < n; k++) {
      const p = pick(out.length);
      out[p] ^= 1 + pick(255);
      at.push(p);
    }
    if (out.every((b, k) => b === bytes[k])) out[at[0]] ^= 0x01; // two changes of one byte cancelled
    return { bytes: out, what: `bytes changed at ${at.join(', ')}` };
  }
  const extra = 1 + pick(8);
  const out = new Uint8Array(bytes.length + extra);
  out.set(bytes);
  for (let k = 0; k < extra; k++) out[bytes.length + k] = pick(256);
  return { bytes: out, what: `${extra} bytes appended` };
}

const ODD_VALUES: unknown[] = [null, -1, 0, 1.5, 2 ** 53, 1e308, 'x', '', [], {}, [1, 2, 3], { kind: 'leaf' }, true];

/** A copy of a JSON value with one randomly chosen field (at any depth) replaced by an odd value. */
function editField(value: any, pick: Pick): { value: any; what: string } {
  const paths: (string | number)[][] = [];
  const walk = (v: any, path: (string | number)[]) => {
    if (path.length > 0) paths.push(path);
    if (v !== null && typeof v === 'object' && paths.length < 2000) {
      for (const k of Array.isArray(v) ? v.keys() : Object.keys(v)) walk(v[k], [...path, k]);
    }
  };
  walk(value, []);
  const path = paths[pick(paths.length)];
  const replacement = ODD_VALUES[pick(ODD_VALUES.length)];
  const copy = structuredClone(value);
  let parent = copy;
  for (const k of path.slice(0, -1)) parent = parent[k];
  parent[path[path.length - 1]] = structuredClone(replacement);
  return { value: copy, what: `${path.join('.')} = ${JSON.stringify(replacement)}` };
}

/** Runs `read` on damaged input: it must throw an Error naming `source`, quickly and without over-allocating. */
function assertRefused(read: () => unknown, source: string, what: string): void {
  const started = performance.now();
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(read, (e: unknown) => {
    assert.ok(e instanceof Error, `${what}: threw ${String(e)}`);
    assert.ok(e.message.includes(source), `${what}: "${e.message}" names ${source}`);
    assert.doesNotMatch(e.message, /Maximum call stack|Invalid (typed )?array length|allocation failed|Cannot read properties/, what);
    return true;
  }, `${what}: accepted damaged input`);
  assert.ok(performance.now() - started < CASE_SECONDS * 1000, `${what}: took too long`);
  assert.ok(process.memoryUsage().arrayBuffers - before < ALLOCATION_SLACK, `${what}: allocated too much`);
}

/** A re-sealed edit: refused like damage, or read back to exactly the same bytes. */
function refusedOrConsistent(read: () => Uint8Array | string, original: Uint8Array | string, source: string, what: string): void {
  let back: Uint8Array | string;
  try {
    back = read();
  } catch (e) {
    assert.ok(e instanceof Error && e.message.includes(source), `${what}: ${String(e)}`);
    assert.doesNotMatch((e as Error).message, /Maximum call stack|Invalid (typed )?array length|Cannot read properties/, what);
    return;
  }
  assert.deepEqual(back, original, `${what}: accepted, so it must read back as written`);
}

const reseal = (bytes: Uint8Array): Uint8Array => {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
};

/** A container's JSON header (bytes 16.. of serialize's and checkpoints' layouts), and rebuilding it. */
function withHeader(bytes: Uint8Array, align: boolean) {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + length)));
  const bodyAt = align ? Math.ceil((16 + length) / 4) * 4 : 16 + length;
  const body = bytes.subarray(bodyAt, bytes.length - 4);
  return {
    header,
    rebuild(edited: unknown): Uint8Array {
      const text = new TextEncoder().encode(JSON.stringify(edited));
      const at = align ? Math.ceil((16 + text.length) / 4) * 4 : 16 + text.length;
      const out = new Uint8Array(at + body.length + 4);
      out.set(bytes.subarray(0, 12));
      new DataView(out.buffer).setUint32(12, text.length, true);
      out.set(text, 16);
      out.set(body, at);
      return reseal(out);
    },
  };
}

test(`serialized optimizer states: ${ITERATIONS} damaged and ${ITERATIONS} re-sealed edits`, () => {
  const [init, update] = adahessian({ stepSize: 0.1 });
  const params = { dense: [tensor([[0.5, -1], [2, 0.25], [1, 1]]), tensor([0.1, -0.1])], scale: tensor(2) };
  const g = { dense: [tensor([[1, 2], [3, 4], [5, 6]]), tensor([1, -1])], scale: tensor(0.5) };
  const good = serialize(update(0, g, g, init(params)));
  const { header, rebuild } = withHeader(good, true);
  for (let i = 0; i < ITERATIONS; i++) {
    const { bytes, what } = damage(good, chooser(1, i));
    assertRefused(() => deserialize(bytes, 'state.bin'), 'state.bin', `state ${i}: ${what}`);
    const edit = editField(header, chooser(2, i));
    refusedOrConsistent(() => serialize(deserialize(rebuild(edit.value), 'state.bin')), rebuild(edit.value), 'state.bin', `state edit ${i}: ${edit.what}`);
  }
});

const config: TrainConfig = { ...defaultConfig('adahessian'), epochs: 2, batchSize: 32, hidden: [4], limit: 64 };
const data = loadData('mnist', 64);
const trainer = new Trainer(config, data);
for (let s = 0; s < 3; s++) trainer.step();

test(`checkpoints: ${ITERATIONS} damaged and ${ITERATIONS} re-sealed header edits`, async () => {
  const dataSha256 = await datasetSha256(data);
  const good = encodeCheckpoint({ config, dataSha256, state: trainer.state });
  const { header, rebuild } = withHeader(good, false);
  for (let i = 0; i < ITERATIONS; i++) {
    const { bytes, what } = damage(good, chooser(3, i));
    assertRefused(() => decodeCheckpoint(bytes, 'run.step3.ckpt'), 'run.step3.ckpt', `checkpoint ${i}: ${what}`);
    const edit = editField(header, chooser(4, i));
    const edited = rebuild(edit.value);
    refusedOrConsistent(() => encodeCheckpoint(decodeCheckpoint(edited, 'run.step3.ckpt')), edited, 'run.step3.ckpt', `checkpoint edit ${i}: ${edit.what}`);
  }
});

test(`run files: ${ITERATIONS} damaged and ${ITERATIONS} re-sealed field edits`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-run-'));
  try {
    const path = join(dir, 'run.json');
    const good = runFileText(await recordOf('run', trainer, await datasetSha256(data)));
    const encoded = new TextEncoder().encode(good);
    for (let i = 0; i < ITERATIONS; i++) {
      const { bytes, what } = damage(encoded, chooser(5, i));
      writeFileSync(path, bytes);
      // A change inside JSON whitespace leaves the same record: that is not damage.
      const sameRecord = (() => {
        try {
          return JSON.stringify(JSON.parse(new TextDecoder().decode(bytes))) === JSON.stringify(JSON.parse(good));
        } catch {
          return false;
        }
      })();
      if (!sameRecord) assertRefused(() => readRunRecord(path), path, `run file ${i}: ${what}`);
      const edit = editField(JSON.parse(good), chooser(6, i));
      const text = runFileText(edit.value);
      writeFileSync(path, text);
      refusedOrConsistent(() => runFileText(readRunRecord(path)), text, path, `run file edit ${i}: ${edit.what}`);
    }
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test(`IDX files, raw and gzipped: ${ITERATIONS} damaged files`, async () => {
  const idx = (dims: number[], fill: (k: number) => number) => {
    const size = dims.reduce((a, b) => a * b, 1);
    const b = new Uint8Array(4 + 4 * dims.length + size);
    const view = new DataView(b.buffer);
    view.setUint32(0, (0x08 << 8) | dims.length);
    dims.forEach((d, k) => view.setUint32(4 + 4 * k, d));
    for (let k = 0; k < size; k++) b[4 + 4 * dims.length + k] = fill(k);
    return b;
  };
  const files: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte': idx([5, 4, 4], (k) => (k * 37) % 256),
    'train-labels-idx1-ubyte': idx([5], (k) => k % 10),
    't10k-images-idx3-ubyte': idx([3, 4, 4], (k) => (k * 11) % 256),
    't10k-labels-idx1-ubyte': idx([3], (k) => (k + 3) % 10),
  };
  const names = Object.keys(files);
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-idx-'));
  const writeAll = (gz: boolean, replaced?: [string, Uint8Array]) => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    for (const name of names) {
      const bytes = replaced?.[0] === name ? replaced[1] : gz ? gzipSync(files[name]) : files[name];
      writeFileSync(join(dir, gz ? `${name}.gz` : name), bytes);
    }
  };
  try {
    writeAll(false);
    const original = await datasetSha256(loadIdx(dir));
    for (let i = 0; i < ITERATIONS; i++) {
      const pick = chooser(7, i);
      const name = names[pick(names.length)];
      const gz = pick(2) === 1;
      const { bytes, what } = damage(gz ? gzipSync(files[name]) : files[name], pick);
      const file = join(dir, gz ? `${name}.gz` : name);
      writeAll(gz, [name, bytes]);
      const label = `${gz ? 'gzipped ' : ''}${name} ${i}: ${what}`;
      let loaded;
      try {
        loaded = loadIdx(dir);
      } catch (e) {
        assert.ok(e instanceof Error && e.message.includes(file), `${label}: ${String(e)}`);
        continue;
      }
      // IDX carries no checksum: a changed pixel or label byte parses. It still cannot pass as the
      // original data: its fingerprint differs, so a run recorded on the original refuses it.
      // (gzip's CRC-32 covers the inflated data; a change in its header's metadata, such as the
      // modification time, leaves the data, and so the fingerprint, as they were.)
      if ((await datasetSha256(loaded)) === original) {
        assert.ok(gz, `${label}: a raw file accepted with other bytes must change the fingerprint`);
      } else {
        assert.ok(!gz, `${label}: gzip's own CRC-32 must refuse damaged data`);
        parseIdx(bytes, file, name.includes('idx3') ? 3 : 1);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
