// The benchmark harness every suite in bench/suites/ uses: timing (Benchmark.js inside), the row
// format, the printed table and bench/results.json.
//
// Conventions a suite follows:
// - one BenchRow per (name, shape, variant); `name` is the kernel or step ("A·B", "adahessian
//   update"), `variant` the implementation ("simd", "scalar", "js", ...);
// - the plain-JS baseline is the variant named BASELINE ("js"); the table's ratio column is
//   baseline time / time of the group's first variant (how many times faster than plain JS);
// - GFLOP/s is filled in where the flop count is meaningful, otherwise the table shows ms.
import Benchmark from 'benchmark';
import { writeFileSync } from 'node:fs';
import os from 'node:os';

export interface BenchRow {
  suite: string;
  name: string;
  shape: string;
  variant: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  gflops?: number;
  note?: string;
}

export interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
  samples: number;
}

export interface TimeOptions {
  /** Fewest Benchmark.js samples to take (default 5). */
  minSamples?: number;
  /** Seconds Benchmark.js may spend sampling, once minSamples are in (default 0.5). */
  maxTime?: number;
  /** Fewest warm-up calls (default 3); a call of several seconds is warm after one. */
  warmupCalls?: number;
}

/** The variant name of the plain-JS baseline that every suite reports. */
export const BASELINE = 'js';

/** The median of an ascending array. */
export function median(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Times `fn` (which must do the same work on every call). Warms up first: V8 runs new wasm and
 * JS in a baseline tier, and the optimized code only takes over after some calls; then
 * Benchmark.js takes samples (each the mean time of a cycle of calls) and we report their median,
 * which the noise of a shared 2-core machine disturbs far less than the mean.
 */
export function timeIt(fn: () => void, opts: TimeOptions = {}): Timing {
  const minSamples = opts.minSamples ?? 5;
  const maxTime = opts.maxTime ?? 0.5;

  // Warm-up: at least warmupCalls calls and ~100 ms, capped at 50 calls.
  const warmupCalls = opts.warmupCalls ?? 3;
  const warmStart = performance.now();
  for (let i = 0; i < 50 && (i < warmupCalls || performance.now() - warmStart < 100); i++) fn();

  const bench = new Benchmark({ fn, minSamples, maxTime, async: false });
  bench.run();
  if (bench.error) throw bench.error;
  const samplesMs = bench.stats.sample.map((seconds) => seconds * 1000).sort((x, y) => x - y);
  if (samplesMs.length === 0) throw new Error('Benchmark.js took no samples');
  return {
    medianMs: median(samplesMs),
    minMs: samplesMs[0],
    maxMs: samplesMs[samplesMs.length - 1],
    samples: samplesMs.length,
  };
}

/** GFLOP/s for `flops` floating-point operations done in `ms` milliseconds. */
export function gflops(flops: number, ms: number): number {
  return flops / (ms * 1e6);
}

function pad(text: string, width: number, right: boolean): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function formatNumber(x: number): string {
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  if (x >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

/**
 * Prints one table per suite: a line per (name, shape) with a column per variant (GFLOP/s when
 * every row of the suite has it, else the median in ms) and the ratio baseline / first variant.
 */
export function printTable(rows: readonly BenchRow[], log: (line: string) => void = console.log): void {
  const suites = [...new Set(rows.map((r) => r.suite))];
  for (const suite of suites) {
    const own = rows.filter((r) => r.suite === suite);
    const useGflops = own.every((r) => r.gflops !== undefined);
    const variants = [...new Set(own.map((r) => r.variant))];
    const groups = new Map<string, BenchRow[]>();
    for (const r of own) {
      const key = `${r.name}\u0000${r.shape}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }

    const header = [
      'kernel',
      'shape',
      ...variants.map((v) => (useGflops ? `GFLOP/s ${v}` : `ms ${v}`)),
      `ratio ${variants[0]}/${BASELINE}`,
      'note',
    ];
    const lines: string[][] = [];
    for (const group of groups.values()) {
      const byVariant = new Map(group.map((r) => [r.variant, r]));
      const first = byVariant.get(variants[0]);
      const base = byVariant.get(BASELINE);
      const ratio = first && base ? `${formatNumber(base.medianMs / first.medianMs)}×` : '—';
      lines.push([
        group[0].name,
        group[0].shape,
        ...variants.map((v) => {
          const r = byVariant.get(v);
          if (!r) return '—';
          return formatNumber(useGflops ? r.gflops! : r.medianMs);
        }),
        ratio,
        group.map((r) => r.note).filter(Boolean).join('; '),
      ]);
    }

    const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c].length)));
    const numeric = (c: number) => c >= 2 && c < header.length - 1;
    const render = (cells: string[]) =>
      cells.map((cell, c) => pad(cell, widths[c], numeric(c))).join('  ').trimEnd();
    log(`\n${suite} (median of samples, warm)`);
    log(render(header));
    log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const l of lines) log(render(l));
  }
}

/** Writes the rows with a description of the machine to `path` as JSON. */
export function writeResults(rows: readonly BenchRow[], path: string): void {
  const cpus = os.cpus();
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.arch()}`,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    rows,
  };
  writeFileSync(path, JSON.stringify(report, null, 2) + '\n');
}
