// `npm run bench:compare [-- full|small|cnn]`: this library beside plain JS, TensorFlow.js (wasm)
// and jax-js (wasm) on two MLPs and the examples' CNN. For each model, task and library it first checks the
// result against ours (a wrong or failing result is recorded, not timed), then times it with the
// harness's timeIt (Benchmark.js, warm, median), and finally writes bench/compare/results.json,
// BENCHMARKS.md and bench/compare/chart.svg.
//
// The competitors live in bench/compare/node_modules (their own package.json and lockfile, out of
// the main install); when they are missing this script installs them with `npm ci` first.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('../../', import.meta.url));

if (!existsSync(`${here}node_modules/@tensorflow/tfjs-backend-wasm`) || !existsSync(`${here}node_modules/@jax-js/jax`)) {
  console.error('bench/compare: installing the competitors (npm ci in bench/compare) ...');
  // The npm that started us (`npm run` puts node_modules/.bin first on PATH, and a dev dependency
  // of the root ships an old npm there), without the npm_* variables that point at the root package.
  const npmCli = process.env.npm_execpath;
  const [command, args] = npmCli ? [process.execPath, [npmCli]] : ['npm', []];
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
  const install = spawnSync(command, [...args, 'ci', '--no-audit', '--no-fund'], { cwd: here, env, stdio: 'inherit' });
  if (install.status !== 0) throw new Error('bench/compare: `npm ci` in bench/compare failed; see its output above');
}

// Imported only now: the competitors may have just been installed.
const { MODELS, makeProblem } = await import('./problem.js');
const { measure } = await import('./measure.js');
const { ours } = await import('./contenders/ours.js');
const { baseline } = await import('./contenders/baseline.js');
const { initTfjs, tfjs, tfjsSetup } = await import('./contenders/tfjs.js');
const { initJaxjs, jaxjs } = await import('./contenders/jaxjs.js');
const { writeReport, writeReadmeHeadline } = await import('./report.js');
const { writeChart } = await import('./chart.js');
const { profileOurs } = await import('./profile.js');
const { interleaved } = await import('./interleave.js');
const { makeCnnProblem } = await import('./cnn/problem.js');
const { oursCnn } = await import('./cnn/ours.js');
const { tfjsCnn } = await import('./cnn/tfjs.js');
const { jaxjsCnn } = await import('./cnn/jaxjs.js');
type Contender = import('./contender.js').Contender;
type Row = import('./report.js').Row;

await initTfjs();
await initJaxjs();

// This library on every thread of the machine (and, as a second variant, on one); the competitors
// have no threads in Node (see their set-up lines).
const THREADS = os.availableParallelism();
const { setThreads, threadsReady } = await import('../../src/index.js');
setThreads(THREADS);
await threadsReady();

const wanted = process.argv.slice(2);
const models = MODELS.filter((m) => wanted.length === 0 || wanted.includes(m.name));
const withCnn = wanted.length === 0 || wanted.includes('cnn');
if (models.length === 0 && !withCnn) throw new Error(`bench:compare: no model named ${wanted.join(', ')} (expected full, small or cnn)`);

const rows: Row[] = [];
const hows = new Map<string, string>();
const started = performance.now();
const loadAtStart = os.loadavg()[0];
let interleavedTimings: import('./report.js').Results['interleaved'];
for (const model of models) {
  const problem = makeProblem(model);
  const initial = problem.params.flatMap(({ w, b }) => [w.slice(), b.slice()]);
  const contenders: Contender[] = [
    ...[...new Set([THREADS, 1])].map((n) => ours(problem, n)),
    baseline(problem), ...tfjs(problem), ...jaxjs(problem),
  ];
  for (const c of contenders) hows.set(`${c.library} — ${c.variant}`, c.how);

  rows.push(...measure(problem.label, contenders, initial));
  if (model.name === 'full') {
    // The acceptance figures again, taking turns: ours, jax-js eager, the fastest correct TF.js.
    const timed = (library: string) =>
      rows
        .filter((r) => r.model === problem.label && r.task === 'gradHvp' && r.library.startsWith(library) && r.medianMs !== undefined)
        .sort((a, b) => a.medianMs! - b.medianMs!);
    const picks = [timed('adahessian-wasm')[0], timed('jax-js').find((r) => r.variant === 'eager'), timed('TF.js')[0]];
    const duel = picks.flatMap((r) => {
      const c = r && contenders.find((q) => q.library === r.library && q.variant === r.variant);
      return c ? [{ name: `${c.library} — ${c.variant}`, fn: c.tasks.gradHvp! }] : [];
    });
    interleavedTimings = { model: problem.label, task: 'gradHvp', rounds: 8, callsPerRound: 2, timings: interleaved(duel, 8, 2) };
    console.error(`interleaved: ${interleavedTimings.timings.map((t) => `${t.name} ${t.medianMs.toFixed(1)} ms`).join(', ')}`);
  }
  for (const c of contenders) c.dispose?.();
}
if (withCnn) {
  // The examples' CNN: gradients and HVPs only (the MLPs cover the optimizer step).
  const problem = makeCnnProblem();
  const contenders: Contender[] = [
    ...[...new Set([THREADS, 1])].map((n) => oursCnn(problem, n)),
    ...tfjsCnn(problem), ...jaxjsCnn(problem),
  ];
  for (const c of contenders) hows.set(`${c.library} — ${c.variant} (CNN)`, c.how);
  rows.push(...measure(problem.label, contenders, problem.params));
  for (const c of contenders) c.dispose?.();
}

// Where our gradient + HVP spends its time on the largest model (V8 CPU profile, self time).
const largest = models[0] ?? MODELS[MODELS.length - 1]; // a CNN-only run profiles the small MLP
const profile = await profileOurs(makeProblem(largest));

// Ratios to ours, per model and task.
for (const r of rows) {
  const mine = rows.find((o) => o.model === r.model && o.task === r.task && o.library === 'adahessian-wasm');
  if (mine?.medianMs !== undefined && r.medianMs !== undefined) r.ratio = r.medianMs / mine.medianMs;
}

const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
const results = {
  date: new Date().toISOString(),
  machine: {
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.arch()}`,
    /** 1-minute load average at the start and the end: above ~1, other processes shared the 2 cores. */
    loadAverage: [loadAtStart, os.loadavg()[0]].map((l) => Math.round(l * 10) / 10),
  },
  setup: {
    ours: `adahessian-wasm from src/ (the repository), ${THREADS} thread${THREADS === 1 ? '' : 's'} (setThreads) and one, fixed-width SIMD`,
    tfjs: tfjsSetup(),
    jaxjs: 'jax-js 0.1.25, device wasm, one thread (no Worker global in Node)',
    baseline: 'plain TypeScript loops (bench/baseline), one thread',
  },
  threads: THREADS,
  variants: Object.fromEntries(hows),
  durationS: Math.round((performance.now() - started) / 1000),
  rows,
  interleaved: interleavedTimings,
  profile: { ...profile, entries: profile.entries.slice(0, 12) },
};
if (wanted.length > 0) {
  console.log(JSON.stringify(results, null, 2));
  console.error('\na filtered run: results printed above; results.json, BENCHMARKS.md and chart.svg left as they were');
} else {
  writeFileSync(`${here}results.json`, JSON.stringify(results, null, 2) + '\n');
  writeReport(results, `${repo}BENCHMARKS.md`);
  writeChart(results, `${here}chart.svg`);
  const readme = writeReadmeHeadline(results, `${repo}README.md`) ? ', the README headline' : '';
  console.error(`\nwrote bench/compare/results.json, BENCHMARKS.md, bench/compare/chart.svg${readme} (${results.durationS} s)`);
}
