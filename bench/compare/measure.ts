// One model's measurements: task by task, ours first, each contender's result is checked against
// ours (a wrong or failing result is recorded, not timed), then timed with the harness's timeIt
// (Benchmark.js, warm, median). What is compared is measured minutes apart at most.
import { timeIt } from '../harness.js';
import { compare, describeCheck, type Check } from './check.js';
import { TASKS, type Contender, type Leaves, type TaskOutput } from './contender.js';
import type { Row } from './report.js';

/** Fewer samples for slow calls, so that a full run stays within a few minutes. */
function samplingFor(firstCallMs: number) {
  if (firstCallMs > 1000) return { minSamples: 3, maxTime: 1 };
  if (firstCallMs > 50) return { minSamples: 7, maxTime: 3 };
  return { minSamples: 15, maxTime: 1.5 };
}

/** A call slower than this (jax-js on the CNN takes minutes) is timed once, by its checked call. */
const SINGLE_CALL_MS = 20_000;

/** Rows for every task of every contender on one model; contenders[0] is ours, the reference. */
export function measure(model: string, contenders: Contender[], initial: Leaves): Row[] {
  const rows: Row[] = [];
  for (const { task } of TASKS) {
    let reference: TaskOutput | undefined;
    for (const c of contenders) {
      const fn = c.tasks[task];
      if (!fn) continue;
      let check: Check;
      let firstMs = 0;
      try {
        const t0 = performance.now();
        const out = fn(); // for the step: the first step, from the initial parameters
        firstMs = performance.now() - t0;
        reference ??= out;
        check = compare(task, out, reference, initial);
      } catch (e) {
        if (c === contenders[0]) throw e; // ours is the reference: nothing to compare without it
        check = { status: 'error', errors: {}, message: (e as Error).message.replace(/\s+/g, ' ').trim() };
      }
      const row: Row = { model, task, library: c.library, variant: c.variant, check };
      if (check.status === 'ok' && !c.checkOnly && firstMs > SINGLE_CALL_MS) {
        // Warm-up calls and samples would take many minutes: the checked call is the one sample.
        Object.assign(row, { medianMs: firstMs, minMs: firstMs, maxMs: firstMs, samples: 1 });
      } else if (check.status === 'ok' && !c.checkOnly) {
        const t = timeIt(fn, samplingFor(firstMs));
        Object.assign(row, { medianMs: t.medianMs, minMs: t.minMs, maxMs: t.maxMs, samples: t.samples });
      }
      rows.push(row);
      const time = row.medianMs === undefined ? 'not timed' : `${row.medianMs.toFixed(2)} ms`;
      console.error(`${model} · ${task} · ${c.library} ${c.variant}: ${time}; ${describeCheck(check)}`);
    }
  }
  return rows;
}
