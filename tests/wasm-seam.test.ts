// The seam between the host and the wasm core: the CoreExports interface and the kernel parameter
// counts (src/wasm/exports.generated.ts, generated at build time from asc's bindings) must describe
// the compiled wasm exactly, and the host must call kernels by name only through that interface.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { core, coreModule } from '../src/wasm/instance.js';
import { KERNEL_ARITIES } from '../src/wasm/exports.generated.js';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

test('every wasm function export is typed with its parameter count, and nothing else is', () => {
  const exported = WebAssembly.Module.exports(coreModule);
  const functions = exported.filter((e) => e.kind === 'function').map((e) => e.name);
  assert.deepEqual([...functions].sort(), Object.keys(KERNEL_ARITIES).sort(), 'the same kernel names');
  for (const name of functions) {
    // the loader wraps each export; the wasm function itself is `.original`
    const fn = (core as unknown as Record<string, { original?: Function } & Function>)[name];
    assert.equal((fn.original ?? fn).length, KERNEL_ARITIES[name], `${name}: parameters`);
  }
});

test('the flag bits the host uses come from the wasm as globals: distinct single bits', () => {
  const globals = WebAssembly.Module.exports(coreModule).filter((e) => e.kind === 'global').map((e) => e.name);
  for (const name of ['TRANS_A', 'TRANS_B', 'ACCUMULATE', 'CONV_ACCUMULATE', 'CONV_SCALAR']) assert.ok(globals.includes(name), name);
  const matmul = [core.TRANS_A.value, core.TRANS_B.value, core.ACCUMULATE.value];
  for (const bit of matmul) assert.equal(bit & (bit - 1), 0, `${bit} is one bit`);
  assert.equal(new Set(matmul).size, 3);
  assert.equal(core.CONV_ACCUMULATE.value, core.ACCUMULATE.value, 'conv accumulates with the matmul bit');
  assert.equal(core.CONV_SCALAR.value & (core.TRANS_A.value | core.TRANS_B.value | core.ACCUMULATE.value), 0);
});

test('the host never builds kernel names from strings (core[...]) nor copies flag values', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
  for (const file of files(SRC).filter((f) => f.endsWith('.ts') && !f.endsWith('.generated.ts'))) {
    const text = readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /\bcore\s*\[/, `${file}: a kernel looked up by a computed name`);
    assert.doesNotMatch(text, /const (TRANS_A|TRANS_B|ACCUMULATE|SCALAR) = \d/, `${file}: a flag bit copied by hand`);
  }
});
