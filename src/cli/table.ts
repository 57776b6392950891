// The final table of `train` and `compare`: one row per run.
import type { RunRecord } from './record.js';

export function summaryTable(runs: readonly RunRecord[]): string {
  const header = ['run', 'test acc', 'train acc', 'test loss', 'train loss', 's/epoch', 'steps/s'];
  const rows = runs.map((r) => {
    const s = r.summary;
    return [
      r.name,
      `${(s.testAccuracy * 100).toFixed(2)} %`,
      `${(s.trainAccuracy * 100).toFixed(2)} %`,
      s.testLoss.toFixed(4),
      s.trainLoss.toFixed(4),
      s.secondsPerEpoch.toFixed(2),
      s.stepsPerSecond.toFixed(2),
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
