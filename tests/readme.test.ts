// Every TypeScript block of README.md compiles under --strict, as a user's file would (importing
// the package by name, so through its "exports" and the .d.ts files in dist/), and the Node ones
// run. A block whose first line is `// continues the first example` is checked appended to the
// first block, so it may use that block's names without repeating them.
//
// Needs the package built (npm ci / npm run build make dist/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONTINUES = /^\/\/ continues the first example/;
/** Blocks that belong to a browser page (their first line names the file): compiled, not run. */
const BROWSER_FILE = /^\/\/ (main|worker)\.ts\b/;

interface Unit {
  name: string;
  line: number;
  code: string;
  run: boolean;
}

/** The README's ```ts blocks as compilation units, continuations joined to the first block. */
function readmeUnits(): Unit[] {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
  const blocks: { line: number; code: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```ts') continue;
    const end = lines.findIndex((l, j) => j > i && l.trim() === '```');
    blocks.push({ line: i + 2, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks.map(({ line, code }, k) => {
    const continued = CONTINUES.test(code);
    return {
      name: `README block ${k + 1} (line ${line})`,
      line,
      code: continued ? `${blocks[0].code}\n${code}` : code,
      run: !BROWSER_FILE.test(code),
    };
  });
}

test('README has TypeScript blocks, and continuations follow a first block', () => {
  const units = readmeUnits();
  assert.ok(units.length >= 5, `found ${units.length} blocks`);
  assert.ok(!CONTINUES.test(units[0].code), 'the first block stands alone');
});

test('every TypeScript block in README.md compiles under --strict', () => {
  const units = readmeUnits();
  // Real files inside the repository, so that `adahessian-wasm` resolves to this package by name.
  const dir = mkdtempSync(join(ROOT, '.readme-check-'));
  try {
    const files = units.map((unit, k) => {
      const file = join(dir, `block${k + 1}.ts`);
      writeFileSync(file, unit.code);
      return file;
    });
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: ['node'],
      skipLibCheck: true,
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? units[files.indexOf(d.file.fileName)]?.name ?? d.file.fileName : '';
      const at = d.file && d.start !== undefined ? `:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '';
      return `${where}${at}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    assert.deepEqual(problems, []);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('the README\'s Node blocks run', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(ROOT, '.readme-run-'));
  try {
    for (const [k, unit] of readmeUnits().entries()) {
      if (!unit.run) continue;
      const file = join(dir, `block${k + 1}.ts`);
      writeFileSync(file, unit.code);
      const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(r.status, 0, `${unit.name} failed:\n${r.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true });
  }
});
