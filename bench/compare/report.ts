// BENCHMARKS.md from the results of one run: the headline (our gradient + HVP on the full MLP
// against jax-js eager and TF.js), its ratios against the performance targets, a table per model, the
// correctness findings, how each library was run, and the machine.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Check } from './check.js';
import { describeCheck, TOLERANCE } from './check.js';
import { TASKS, type Task } from './contender.js';
import type { Profile } from './profile.js';
import type { InterleavedTiming } from './interleave.js';

export interface Row {
  model: string;
  task: Task;
  library: string;
  variant: string;
  check: Check;
  medianMs?: number;
  minMs?: number;
  maxMs?: number;
  samples?: number;
  /** medianMs / our medianMs for the same model and task. */
  ratio?: number;
}

export interface Results {
  date: string;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; v8: string; platform: string; loadAverage?: number[] };
  setup: Record<string, string>;
  /** Threads this library used (its first variant); the competitors run on one. Absent: one. */
  threads?: number;
  variants: Record<string, string>;
  durationS: number;
  rows: Row[];
  /** The acceptance figures measured taking turns (see interleave.ts). */
  interleaved?: { model: string; task: Task; rounds: number; callsPerRound: number; timings: InterleavedTiming[] };
  profile: Profile;
}

export const OURS = 'adahessian-wasm';
export const FULL = '784-1024-1024-10 batch 128';

/** Milliseconds with three significant digits. */
export function ms(x: number): string {
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  if (x >= 1) return x.toFixed(2);
  return x.toFixed(3);
}

export function times(x: number): string {
  return `${x >= 10 ? x.toFixed(0) : x.toFixed(1)}×`;
}

const title = (task: Task) => TASKS.find((t) => t.task === task)!.title;

export function find(rows: Row[], model: string, task: Task, library: string, variant?: string): Row | undefined {
  return rows.find((r) => r.model === model && r.task === task && r.library.startsWith(library) && (variant === undefined || r.variant === variant));
}

/**
 * The figures the targets speak of: our gradient + HVP on the full MLP against jax-js eager and
 * against TF.js with its fixes (the fastest TF.js variant that computes it correctly). The times
 * are the interleaved ones when the run has them (see interleave.ts), else the table's.
 */
export function acceptance(res: Results) {
  const rows = res.rows;
  const mine = find(rows, FULL, 'gradHvp', OURS);
  const jax = find(rows, FULL, 'gradHvp', 'jax-js', 'eager');
  const tfjs = rows
    .filter((r) => r.model === FULL && r.task === 'gradHvp' && r.library.startsWith('TF.js') && r.medianMs !== undefined)
    .sort((a, b) => a.medianMs! - b.medianMs!)[0];
  const turns = res.interleaved?.timings ?? [];
  const timeOf = (r?: Row) => (r ? (turns.find((t) => t.name === `${r.library} — ${r.variant}`)?.medianMs ?? r.medianMs) : undefined);
  const ratio = (r?: Row) => {
    const [theirs, ours] = [timeOf(r), timeOf(mine)];
    return theirs !== undefined && ours !== undefined ? theirs / ours : undefined;
  };
  return {
    mine,
    jax,
    tfjs,
    interleaved: turns.length > 0,
    timeOf,
    jaxRatio: ratio(jax),
    tfjsRatio: ratio(tfjs),
    jaxPass: (ratio(jax) ?? 0) >= 2,
    tfjsPass: (ratio(tfjs) ?? 0) >= 3,
  };
}

function table(rows: Row[], model: string): string[] {
  const lines = [
    '| task | library | variant | median ms | min–max ms | time / ours | check against ours |',
    '| :-- | :-- | :-- | --: | --: | --: | :-- |',
  ];
  for (const { task } of TASKS) {
    for (const r of rows.filter((q) => q.model === model && q.task === task)) {
      const timed = r.medianMs !== undefined;
      const who = r.library === OURS ? `**${r.library}**` : r.library;
      lines.push(
        `| ${title(task)} | ${who} | ${r.variant} | ${timed ? ms(r.medianMs!) : '—'} | ` +
          `${timed ? `${ms(r.minMs!)}–${ms(r.maxMs!)}` : '—'} | ${r.ratio !== undefined ? times(r.ratio) : '—'} | ` +
          `${r.library === OURS ? 'reference' : describeCheck(r.check).replace(/\|/g, '\\|')} |`,
      );
    }
  }
  return lines;
}

function profileSection(res: Results, a: ReturnType<typeof acceptance>): string[] {
  const p = res.profile;
  const gflops = (p.matmulGflop / p.matmulMsPerCall) * 1000;
  const matmulShare = p.matmulMsPerCall / p.sampledMsPerCall;
  const lines = [
    '## Where our time goes',
    '',
    `A V8 CPU profile of our gradient + HVP on the MLP ${p.model} (warm calls; self time per function; ` +
      '`node --import tsx bench/compare/profile.ts` repeats it): ' +
      `${ms(p.wallMsPerCall)} ms per call under the profiler. The matrix products are ${p.matmulGflop.toFixed(2)} GFLOP ` +
      `per call; the matmul kernels (packing and the 4×8 f32x4 micro-kernel) take ${ms(p.matmulMsPerCall)} ms of it ` +
      `(${Math.round(matmulShare * 100)}% of the samples), i.e. ${gflops.toFixed(1)} GFLOP/s.`,
    '',
    '| function | ms per call | share |',
    '| :-- | --: | --: |',
    ...p.entries.slice(0, 8).map((e) => `| ${e.name} | ${ms(e.msPerCall)} | ${(e.share * 100).toFixed(1)}% |`),
    '',
  ];
  if (!a.jaxPass || !a.tfjsPass) {
    const isMatmul = (name: string) => /^matmul\/|matmul \(export\)/.test(name);
    const kernel = p.entries.find((e) => isMatmul(e.name));
    const next = p.entries.find((e) => !isMatmul(e.name));
    lines.push(
      'An acceptance ratio is not met in this run. What holds us back is the matrix multiply' +
        (kernel ? `, above all its micro-kernel ${kernel.name.replace(/ \(wasm\)$/, '')} (${Math.round(kernel.share * 100)}% of the samples)` : '') +
        `: the matmul kernels ran at ${gflops.toFixed(1)} GFLOP/s here, where the design expects 45 GFLOP/s ` +
        `(the same ${p.matmulGflop.toFixed(2)} GFLOP would take ${ms((p.matmulGflop / 45) * 1000)} ms).` +
        (next ? ` Next comes ${next.name} at ${ms(next.msPerCall)} ms per call.` : ''),
      '',
    );
  }
  return lines;
}

/** The CNN's acceptance line: our gradient + HVP against the fastest correct competitor's. */
function cnnAcceptance(rows: Row[], model: string): string {
  const mine = find(rows, model, 'gradHvp', OURS);
  const best = rows
    .filter((r) => r.model === model && r.task === 'gradHvp' && r.library !== OURS && r.medianMs !== undefined)
    .sort((a, b) => a.medianMs! - b.medianMs!)[0];
  const slow = rows.some((r) => r.model === model && r.samples === 1);
  const note = slow ? ' Calls that took over 20 s are timed once, by the call that was checked (samples = 1).' : '';
  if (mine?.medianMs === undefined || !best) return `No competitor computed the CNN's gradient + HVP correctly in this run.${note}`;
  const ratio = best.medianMs! / mine.medianMs;
  return (
    `Acceptance (same run): our gradient + HVP of the CNN at least 2× faster than the fastest correct competitor ` +
    `(${best.library}, ${best.variant}: ${ms(best.medianMs!)} ms) — ${ratio >= 2 ? 'met' : '**not met**'} (${times(ratio)}).${note}`
  );
}

export function renderReport(res: Results): string {
  const a = acceptance(res);
  const models = [...new Set(res.rows.map((r) => r.model))];
  const date = res.date.slice(0, 10);
  const m = res.machine;
  const failing = res.rows.filter((r) => r.check.status !== 'ok');
  const describe = (r: Row | undefined, ratio: number | undefined) =>
    r?.medianMs !== undefined ? `${ms(r.medianMs)} ms (${times(ratio!)} ours)` : 'not measured';

  const out: string[] = [
    '# Benchmarks: adahessian-wasm beside TensorFlow.js and jax-js',
    '',
    `<!-- Generated by \`npm run bench:compare\` (bench/compare/run.ts) on ${date}; edit the generator, not this file. -->`,
    '',
    `Measured ${date} on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node} (V8 ${m.v8}), ${m.platform}. ` +
      `Threads: ${threadsClause(res)}.` +
      (m.loadAverage
        ? ` Load average (1 min) ${m.loadAverage[0]} at the start and ${m.loadAverage[1]} at the end of the run ` +
          '(the benchmark itself counts 1' +
          (Math.max(...m.loadAverage) > 2.2 ? '; above 2, other processes took turns on its core, so the figures are noisy).' : ').')
        : ''),
    '',
  ];
  if (a.mine?.medianMs !== undefined) {
    const fixOnly = find(res.rows, FULL, 'gradHvp', 'TF.js', 'logSoftmax fix');
    const speedup = (ratio?: number) => (ratio !== undefined ? faster(ratio) : 'not measured');
    out.push(
      renderHeadline(res),
      '',
      (a.interleaved
        ? `These three figures were measured taking turns (${res.interleaved!.rounds} rounds of ` +
          `${res.interleaved!.callsPerRound} calls each, after the table's timings), so that load from other processes ` +
          'falls on all of them alike; the table below has each library timed on its own. '
        : '') +
        `Targets (same run): ours at least 2× faster than jax-js eager — ${a.jaxPass ? 'met' : '**not met**'} ` +
        `(${speedup(a.jaxRatio)}); at least 3× faster than TF.js wasm with its fixes — ${a.tfjsPass ? 'met' : '**not met**'} ` +
        `(${speedup(a.tfjsRatio)} than its fastest correct variant, *${a.tfjs?.variant ?? '—'}*` +
        (fixOnly && fixOnly !== a.tfjs && fixOnly.ratio !== undefined ? `; in the table, ${faster(fixOnly.ratio)} than the correctness fix alone` : '') +
        ').' +
        (a.jaxPass && a.tfjsPass ? '' : ' *Where our time goes* says what holds us back.'),
      '',
    );
  }
  out.push(
    '![Median time per task, log scale](bench/compare/chart.svg)',
    '',
    '## Run it',
    '',
    '```sh',
    'npm ci                          # the library: builds the wasm core and dist/',
    'npm ci --prefix bench/compare   # the competitors (TF.js, jax-js), kept out of the main install',
    'npm run bench:compare           # 10–15 minutes (jax-js takes about a minute per CNN call); rewrites this file, bench/compare/results.json, chart.svg, the README headline',
    '```',
    '',
    '`npm run bench:compare` runs the second step itself when `bench/compare/node_modules` is missing. ' +
      '`npm run bench:compare -- small` (or `full`, or `cnn`) runs one model and prints its figures without rewriting the files.',
    '',
    '## Results',
    '',
    'Median of Benchmark.js samples after a warm-up (each sample the mean of a cycle of calls); ' +
      '*time / ours* is the median over our median in the same run (above 1: slower than ours). ' +
      `*Check against ours* is the relative max-norm error max|theirs − ours| / max|ours| of each output ` +
      `(for the step: of the parameter change); above ${TOLERANCE} a result counts as wrong and is not timed.`,
    '',
  );
  for (const model of models) {
    out.push(`### ${model.startsWith('CNN') ? '' : 'MLP '}${model}`, '', ...table(res.rows, model), '');
    if (model.startsWith('CNN')) out.push(cnnAcceptance(res.rows, model), '');
  }

  out.push(...profileSection(res, a), '');
  out.push('## Correctness', '');
  if (failing.length === 0) out.push('Every library agrees with ours on every task.', '');
  else {
    out.push('Results that disagree with ours or fail (not timed), on every model unless a model is named:', '');
    const groups = new Map<string, Row[]>();
    for (const r of failing) {
      const what = r.check.status === 'error' ? `throws \`${r.check.message}\`` : 'computes a wrong value';
      const key = `${r.library}, ${r.variant}: ${title(r.task)} ${what}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const [key, rs] of groups) {
      const where = rs.length === models.length ? '' : ` (${rs.map((r) => r.model).join(', ')})`;
      const errors = rs
        .filter((r) => r.check.status === 'wrong')
        .map((r) => `${r.model}: ${describeCheck(r.check).replace(/^WRONG \((.*)\)$/, '$1')}`);
      out.push(`- ${key}${where}${errors.length ? ` — relative error ${errors.join('; ')}` : ''}`);
    }
    out.push('');
  }
  out.push(
    "TF.js's second derivatives break wherever an op's gradient reuses the op's saved *output* " +
      '(exp, softmax, logSoftmax, tanh, sigmoid): under nested `tf.grads` the saved copy is recorded on the ' +
      'tape before the op that produced it, so the outer differentiation cannot reach it. Through ' +
      '`tf.logSoftmax` the HVP then throws; written from `tf.exp`/`tf.log`/`tf.sum` it silently misses ' +
      "exp's second-order term; `tf.max` (and so `tf.logSumExp`) throws because `Equal` has no gradient; " +
      "TF.js's own `tf.losses.softmaxCrossEntropy` throws as well. " +
      '**The smallest fix** (variant *logSoftmax fix*): a `tf.customGrad` logSoftmax with the stock forward kernel and ' +
      "the stock gradient formula `dy − Σdy · softmax(z)`, except that softmax is recomputed from the saved " +
      'input `z` (seven lines in `bench/compare/contenders/tfjs.ts`). It is correct but slow: the stock matMul ' +
      'gradient multiplies with `transposeA`/`transposeB`, which the wasm backend runs at 0.7–3 GFLOP/s ' +
      'against ~28 for a plain matMul (measured here, 128×1024×1024). **The speed fix** (variant *logSoftmax fix + matMul fix*) adds a `tf.customGrad` ' +
      'matMul whose gradient transposes explicitly and then multiplies plainly (itself differentiable, ' +
      'so second derivatives stay fast).',
    '',
    '## What is measured',
    '',
    '- Models: MLPs 784-1024-1024-10 (1.86 M parameters) with batch 128 and 784-128-10 (102 k) with batch 32, ' +
      'ReLU hidden layers, mean log-softmax cross-entropy over one-hot labels.',
    '- Tasks: (a) the loss and its gradient; (b) the gradient and the exact Hessian-vector product H·v; ' +
      '(c) a whole AdaHessian step: gradient, Hutchinson estimate v ⊙ Hv, and the optimizer update ' +
      "(lr 0.15, β 0.9/0.999, eps 1e-4, 'last' averaging of |h|), carrying the optimizer state from call to call.",
    '- Same initial parameters (stax glorot-normal init, key 0), the same batch (uniform inputs, random labels) ' +
      'and the same Rademacher probe v for everyone: drawn once with this library and copied into each ' +
      "library's tensors. Our step draws v itself (`gradAndHessian` with the key that yields the same v); " +
      'the others reuse the copied v.',
    '- Every timed call ends with its results in JavaScript `Float32Array`s (the gradient, H·v, or the new ' +
      'parameters): our API returns them that way, and reading them back is what forces lazy (jax-js) work to run.',
    `- Threads: this library runs on ${res.threads ?? 1} thread${(res.threads ?? 1) === 1 ? '' : 's'} (\`setThreads\`, the same bits as on one; ` +
      'its one-thread figures are the second variant). TF.js\'s wasm backend disables threads in Node ' +
      '(`WASM_HAS_MULTITHREAD_SUPPORT` is false under Node) and jax-js starts its worker pool only where a global ' +
      '`Worker` exists, which Node lacks: they run on one thread here, their best setting in Node.',
    '',
    '| library | set-up |',
    '| :-- | :-- |',
    ...Object.entries(res.setup).map(([k, v]) => `| ${k} | ${v} |`),
    '',
    '| variant | how |',
    '| :-- | :-- |',
    ...Object.entries(res.variants).map(([k, v]) => `| ${k} | ${v} |`),
    '',
    `Whole run: ${res.durationS} s. Raw figures: \`bench/compare/results.json\`.`,
    '',
  );
  return out.join('\n');
}

export function writeReport(res: Results, path: string): void {
  writeFileSync(path, renderReport(res));
}

/** "2.1× faster" or "1.3× slower" for their time over ours. */
function faster(ratio: number): string {
  const x = (r: number) => `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×`;
  return ratio >= 1 ? `${x(ratio)} faster` : `${x(1 / ratio)} slower`;
}

/** "this library on 2 threads, the others on one" (or "every library on one thread"). */
export function threadsClause(res: Results): string {
  const n = res.threads ?? 1;
  return n === 1 ? 'every library on one thread' : `this library on ${n} threads, the others on one`;
}

/** The README's one-paragraph headline. */
export function renderHeadline(res: Results): string {
  const a = acceptance(res);
  const mine = a.timeOf(a.mine);
  if (mine === undefined) return '';
  const vs = (r: Row | undefined, ratio: number | undefined, who: string) =>
    a.timeOf(r) !== undefined ? `${faster(ratio!)} than ${who} (${ms(a.timeOf(r)!)} ms)` : `${who}: not measured`;
  return (
    `**Headline** (${res.date.slice(0, 10)}, ${res.machine.cpu}, ${threadsClause(res)}): the gradient and exact HVP of the ` +
    `784-1024-1024-10 MLP at batch 128 take ${ms(mine)} ms here, ` +
    `${vs(a.jax, a.jaxRatio, 'jax-js eager')} and ${vs(a.tfjs, a.tfjsRatio, 'TF.js wasm with its fixes')}` +
    (a.interleaved ? ' (medians of calls taking turns)' : '') +
    '; stock TF.js cannot compute it.'
  );
}

const README_START = '<!-- bench:compare headline (rewritten by npm run bench:compare) -->';
const README_END = '<!-- /bench:compare headline -->';

/** Rewrites the headline between the README's markers (and nothing else); no markers, no change. */
export function writeReadmeHeadline(res: Results, path: string): boolean {
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) return false;
  const headline = renderHeadline(res);
  writeFileSync(path, `${text.slice(0, start + README_START.length)}\n${headline ? `${headline}\n` : ''}${text.slice(end)}`);
  return true;
}
