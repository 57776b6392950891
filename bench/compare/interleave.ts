// Interleaved timing for the acceptance ratios: Benchmark.js times one library after another, so
// when another process takes a core for a while, whoever is measured then looks slow. Here the
// contenders take turns, a few calls each per round, and each one's median is over all its calls:
// a burst of load lands on all of them alike.

export interface InterleavedTiming {
  name: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  calls: number;
}

function median(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Times each function (already warm) in `rounds` rounds of `callsPerRound` calls. */
export function interleaved(
  fns: { name: string; fn: () => unknown }[],
  rounds = 8,
  callsPerRound = 2,
): InterleavedTiming[] {
  const times = fns.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    fns.forEach(({ fn }, i) => {
      for (let c = 0; c < callsPerRound; c++) {
        const t0 = performance.now();
        fn();
        times[i].push(performance.now() - t0);
      }
    });
  }
  return fns.map(({ name }, i) => {
    const sorted = times[i].sort((a, b) => a - b);
    return { name, medianMs: median(sorted), minMs: sorted[0], maxMs: sorted[sorted.length - 1], calls: sorted.length };
  });
}
