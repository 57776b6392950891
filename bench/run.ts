// `npm run bench [-- word ...]`: imports every bench/suites/*.ts (sorted by file name), runs its
// exported `run()`, prints one table and writes bench/results.json. With arguments, only the
// suites whose file name contains one of them run (`npm run bench -- matmul`), and the results
// file keeps the rows of the suites that did not run. Suites run on one thread (their targets are
// per thread) unless they set threads themselves: threads.ts times 1 and all threads side by side.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { printTable, writeResults, type BenchRow } from './harness.js';
import { setThreads } from '../src/index.js';

const suitesDir = fileURLToPath(new URL('./suites/', import.meta.url));
const resultsPath = fileURLToPath(new URL('./results.json', import.meta.url));

const filters = process.argv.slice(2);
const files = readdirSync(suitesDir)
  .filter((f) => f.endsWith('.ts'))
  .sort()
  .filter((f) => filters.length === 0 || filters.some((word) => f.includes(word)));

if (files.length === 0) {
  console.error(`no benchmark suite in bench/suites/ matches ${filters.join(', ')}`);
  process.exit(1);
}

const rows: BenchRow[] = [];
for (const file of files) {
  const suite = (await import(pathToFileURL(suitesDir + file).href)) as {
    run?: () => Promise<BenchRow[]>;
  };
  if (typeof suite.run !== 'function') {
    throw new TypeError(`bench/suites/${file} must export async function run(): Promise<BenchRow[]>`);
  }
  const started = performance.now();
  setThreads(1);
  console.error(`running ${file} ...`);
  rows.push(...(await suite.run()));
  console.error(`  ${file} took ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

printTable(rows);
// A filtered run keeps the other suites' rows from the previous results file.
const ran = new Set(rows.map((r) => r.suite));
const kept: BenchRow[] =
  filters.length > 0 && existsSync(resultsPath)
    ? (JSON.parse(readFileSync(resultsPath, 'utf8')).rows as BenchRow[]).filter((r) => !ran.has(r.suite))
    : [];
writeResults([...kept, ...rows], resultsPath);
console.log(`\nwrote ${resultsPath}`);
