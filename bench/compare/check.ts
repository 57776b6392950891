// Checks a contender's results against ours before it is timed: the relative max-norm error
// max|theirs − ours| / max|ours| over all leaves of a result. float32 with another summation order
// lands near 1e-6; a broken second derivative lands near 1.
import type { Leaves, Task, TaskOutput } from './contender.js';

/** Above this relative error a result counts as wrong. */
export const TOLERANCE = 1e-3;

export interface Check {
  status: 'ok' | 'wrong' | 'error';
  /** Relative max-norm error of each checked output (loss, grad, hvp, step = the parameter change). */
  errors: Record<string, number>;
  /** The exception's message when the task threw. */
  message?: string;
}

export function relativeError(theirs: Leaves, ours: Leaves): number {
  if (theirs.length !== ours.length) return Infinity;
  let diff = 0;
  let scale = 0;
  ours.forEach((o, i) => {
    const t = theirs[i];
    if (t.length !== o.length) diff = Infinity;
    for (let e = 0; e < o.length; e++) {
      const d = Math.abs(t[e] - o[e]);
      diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
      scale = Math.max(scale, Math.abs(o[e]));
    }
  });
  return diff / scale;
}

/** The change a step made to each leaf (the parameters themselves barely move: compare the change). */
function change(after: Leaves, before: Leaves): Leaves {
  return after.map((a, i) => a.map((q, e) => q - before[i][e]));
}

/** Compares one task's output with ours; `initial` are the parameters before the first step. */
export function compare(task: Task, theirs: TaskOutput, ours: TaskOutput, initial: Leaves): Check {
  const errors: Record<string, number> = {};
  if (task === 'valueAndGrad') {
    errors.loss = Math.abs(theirs.loss! - ours.loss!) / Math.abs(ours.loss!);
    errors.grad = relativeError(theirs.grad!, ours.grad!);
  } else if (task === 'gradHvp') {
    errors.grad = relativeError(theirs.grad!, ours.grad!);
    errors.hvp = relativeError(theirs.hvp!, ours.hvp!);
  } else {
    errors.step = relativeError(change(theirs.params!, initial), change(ours.params!, initial));
  }
  const worst = Math.max(...Object.values(errors));
  return { status: worst <= TOLERANCE ? 'ok' : 'wrong', errors };
}

export function describeCheck(c: Check): string {
  if (c.status === 'error') return `error: ${c.message}`;
  const errs = Object.entries(c.errors)
    .map(([k, e]) => `${k} ${Number.isFinite(e) ? e.toExponential(1) : 'NaN/∞'}`)
    .join(', ');
  return c.status === 'ok' ? errs : `WRONG (${errs})`;
}
