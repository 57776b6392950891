// The page: reads the configuration from the URL, starts the training worker, and draws what it
// reports (loss and accuracy curves, the test digits with each run's predictions, the final
// hashes). It never trains itself: every step runs in the worker, so the page stays responsive.
// window.demo exposes the state for the end-to-end test (tests/browser.test.ts); with
// ?report=<url>, the page also POSTs it there when it finishes or fails, so that a browser
// started without an automation protocol can hand its hashes to a test (tests/engines.test.ts).
import { drawChart, linearTicks, logTicks, type Series } from './charts.js';
import { configFromParams, OPTIMIZERS, type DemoConfig, type OptimizerName } from './config.js';
import { SAMPLE_DIGITS, type StartMessage, type WorkerMessage } from './messages.js';

export interface DemoStatus {
  state: 'loading' | 'training' | 'done' | 'error';
  config: DemoConfig | null;
  /** performance.now() when training started (the digits loaded) and when the last run finished. */
  startedAt: number | null;
  finishedAt: number | null;
  hashes: Partial<Record<OptimizerName, string>>;
  /** Threads the training worker's kernels use (null until it is ready), and whether the page is cross-origin isolated. */
  threads: number | null;
  isolated: boolean | null;
  /** The longest main-thread task since training started (Long Tasks API: only tasks ≥ 50 ms are reported). */
  longestTaskMs: number;
  error: string | null;
}

declare global {
  interface Window {
    demo: DemoStatus;
  }
}

const NAMES: Record<OptimizerName, string> = { adam: 'Adam', adahessian: 'AdaHessian' };
const COLORS: Record<OptimizerName, string> = { adam: '#1f77b4', adahessian: '#d62728' };
const PIXELS = 28;

interface RunView {
  batchLosses: [epoch: number, loss: number][];
  evals: { step: number; epoch: number; testLoss: number; testAccuracy: number }[];
  predictions: number[];
  step: number;
  done?: { seconds: number; sha256: string; parameters: number };
}

const status: DemoStatus = (window.demo = {
  state: 'loading',
  config: null,
  startedAt: null,
  finishedAt: null,
  hashes: {},
  threads: null,
  isolated: null,
  longestTaskMs: 0,
  error: null,
});

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const statusLine = $<HTMLDivElement>('status');
const runs = new Map<OptimizerName, RunView>();
let stepsPerRun = 0;
let sampleClasses: number[] = [];

function setStatus(text: string, error = false): void {
  statusLine.textContent = text;
  statusLine.classList.toggle('error', error);
}

/** Where to POST the final status (the `report` URL parameter), if anywhere. */
const reportUrl = new URLSearchParams(location.search).get('report');

/** POSTs the status as JSON to reportUrl (a plain-text body, so another origin needs no preflight). */
function report(): void {
  if (reportUrl === null) return;
  const body = JSON.stringify({ ...status, userAgent: navigator.userAgent });
  fetch(reportUrl, { method: 'POST', mode: 'no-cors', body }).catch(() => setStatus(`could not report to ${reportUrl}`, true));
}

function fail(message: string): void {
  status.state = 'error';
  status.error = message;
  setStatus(`Error: ${message}`, true);
  report();
}

/** The form shows the configuration; submitting it reloads the page with the new one. */
function setUpForm(config: DemoConfig): void {
  const form = $<HTMLFormElement>('config');
  const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
  for (const name of OPTIMIZERS) field(name).checked = config.optimizers.includes(name);
  field('hidden').value = config.hidden.join(',');
  field('batch').value = String(config.batchSize);
  field('epochs').value = String(config.epochs);
  field('limit').value = config.limit === null ? 'all' : String(config.limit);
  field('seed').value = String(config.seed);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const params = new URLSearchParams({
      optimizers: OPTIMIZERS.filter((name) => field(name).checked).join(','),
      hidden: field('hidden').value,
      batch: field('batch').value,
      epochs: field('epochs').value,
      limit: field('limit').value,
      seed: field('seed').value,
    });
    location.search = params.toString();
  });
}

/** Long tasks on this thread since training started: the page must stay responsive. */
function watchLongTasks(): void {
  if (!PerformanceObserver.supportedEntryTypes?.includes('longtask')) return;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (status.startedAt !== null && entry.startTime + entry.duration >= status.startedAt) {
        status.longestTaskMs = Math.max(status.longestTaskMs, entry.duration);
      }
    }
    renderFooter();
  }).observe({ type: 'longtask', buffered: true });
}

/**
 * The test digits' cells, made before training starts (their canvases and captions already laid
 * out), so that showing the digits and predictions later only fills them in: that keeps every
 * main-thread task during training short.
 */
function makeDigits(config: DemoConfig): void {
  const cells = Array.from({ length: SAMPLE_DIGITS }, (_, i) => {
    const predictions = config.optimizers
      .map((name) => `<div style="color:${COLORS[name]}">${NAMES[name]}: <span id="prediction-${name}-${i}">·</span></div>`)
      .join('');
    return `<div class="digit"><canvas width="${PIXELS}" height="${PIXELS}" id="digit-${i}"></canvas>` +
      `<div>label <span id="label-${i}">·</span></div>${predictions}</div>`;
  });
  $<HTMLDivElement>('digits').innerHTML = cells.join('');
}

function showDigits(samples: Float32Array): void {
  const image = new ImageData(PIXELS, PIXELS);
  sampleClasses.forEach((label, i) => {
    for (let p = 0; p < PIXELS * PIXELS; p++) {
      const shade = 255 * (1 - samples[i * PIXELS * PIXELS + p]); // dark ink on white
      image.data[4 * p] = image.data[4 * p + 1] = image.data[4 * p + 2] = shade;
      image.data[4 * p + 3] = 255;
    }
    $<HTMLCanvasElement>(`digit-${i}`).getContext('2d')!.putImageData(image, 0, 0);
    $<HTMLSpanElement>(`label-${i}`).textContent = String(label);
  });
}

function renderDigits(): void {
  sampleClasses.forEach((label, i) => {
    for (const [name, run] of runs) {
      const p = run.predictions[i];
      if (p === undefined) continue;
      const ok = p === label;
      const span = $<HTMLSpanElement>(`prediction-${name}-${i}`);
      span.textContent = `${p} ${ok ? '✓' : '✗'}`;
      span.className = ok ? 'ok' : 'wrong';
    }
  });
}

function renderCharts(config: DemoConfig): void {
  const loss: Series[] = [];
  const accuracy: Series[] = [];
  const losses: number[] = [];
  const accuracies: number[] = [];
  for (const [name, run] of runs) {
    const color = COLORS[name];
    loss.push({ color, points: run.batchLosses, lineWidth: 1, alpha: 0.35 });
    loss.push({ color, points: run.evals.map((e) => [e.epoch, e.testLoss]), lineWidth: 2.5, dots: true });
    // The initial accuracy (about 10 %) would squash the interesting part; the loss panel shows the start.
    const trained = run.evals.filter((e) => e.step > 0);
    accuracy.push({ color, points: trained.map((e) => [e.epoch, 100 * e.testAccuracy]), lineWidth: 2.5, dots: true });
    losses.push(...run.batchLosses.map(([, l]) => l), ...run.evals.map((e) => e.testLoss));
    accuracies.push(...trained.map((e) => 100 * e.testAccuracy));
  }
  const positive = losses.filter((l) => l > 0);
  const lossLo = positive.length ? Math.min(...positive) * 0.9 : 0.05;
  const lossHi = positive.length ? Math.max(...positive) * 1.1 : 3;
  drawChart($<HTMLCanvasElement>('loss'), loss, {
    title: 'Loss (thin: each batch, thick: test set)',
    xLabel: 'epoch',
    xMax: config.epochs,
    yMin: lossLo,
    yMax: lossHi,
    log: true,
    yTicks: logTicks(lossLo, lossHi),
    formatY: (v) => String(Number(v.toPrecision(2))),
  });
  const accLo = accuracies.length ? Math.max(0, Math.floor((Math.min(...accuracies) - 2) / 5) * 5) : 0;
  drawChart($<HTMLCanvasElement>('accuracy'), accuracy, {
    title: 'Test accuracy (%)',
    xLabel: 'epoch',
    xMax: config.epochs,
    yMin: accLo,
    yMax: 100,
    yTicks: linearTicks(accLo, 100),
    formatY: (v) => String(v),
  });
}

/** One table row per run, made once; renders only change the text of its cells. */
function makeTable(config: DemoConfig): void {
  document.querySelector('#runs tbody')!.innerHTML = config.optimizers
    .map(
      (name) =>
        `<tr><td style="color:${COLORS[name]};font-weight:600">${NAMES[name]}</td>` +
        `<td class="num" id="step-${name}"></td><td class="num" id="accuracy-${name}"></td>` +
        `<td class="num" id="loss-${name}"></td><td class="num" id="time-${name}"></td>` +
        `<td class="hash" id="hash-${name}">…</td></tr>`,
    )
    .join('');
}

function renderTable(): void {
  const set = (id: string, text: string) => {
    const cell = document.getElementById(id)!;
    if (cell.textContent !== text) cell.textContent = text;
  };
  for (const [name, run] of runs) {
    const last = run.evals[run.evals.length - 1];
    set(`step-${name}`, `${run.step} / ${stepsPerRun}`);
    set(`accuracy-${name}`, last ? `${(100 * last.testAccuracy).toFixed(2)} %` : '');
    set(`loss-${name}`, last ? last.testLoss.toFixed(4) : '');
    set(`time-${name}`, run.done ? `${run.done.seconds.toFixed(2)} s` : '');
    set(`hash-${name}`, run.done ? run.done.sha256 : '…');
  }
}

function renderFooter(): void {
  const measured = PerformanceObserver.supportedEntryTypes?.includes('longtask')
    ? `Longest main-thread task since training started: ${status.longestTaskMs > 0 ? status.longestTaskMs.toFixed(0) + ' ms' : 'none ≥ 50 ms'}.`
    : '';
  const threads = status.threads === null ? '' : ` on ${status.threads} thread${status.threads === 1 ? '' : 's'}` +
    (status.isolated ? '' : ' (the page is not cross-origin isolated)');
  const text = `Training runs in a Web Worker${threads}; this page only draws. ${measured}`;
  const footer = $<HTMLElement>('footer');
  if (footer.textContent !== text) footer.textContent = text;
}

/**
 * Redraws at most five times a second, in an animation frame, however many messages arrive: each
 * redraw takes a few milliseconds of main-thread time, and fewer of them keep the page responsive
 * even on a busy machine. The digits are redrawn only when new predictions came in.
 */
const RENDER_INTERVAL_MS = 200;
let renderPending = false;
let lastRender = -Infinity;
let digitsChanged = false;
function scheduleRender(config: DemoConfig): void {
  if (renderPending) return;
  renderPending = true;
  const wait = Math.max(0, lastRender + RENDER_INTERVAL_MS - performance.now());
  setTimeout(() =>
    requestAnimationFrame(() => {
      renderPending = false;
      lastRender = performance.now();
      renderCharts(config);
      renderTable();
      if (digitsChanged) renderDigits();
      digitsChanged = false;
      renderFooter();
    }),
    wait,
  );
}

function start(): void {
  watchLongTasks();
  let config: DemoConfig;
  try {
    const params = new URLSearchParams(location.search);
    params.delete('report');
    config = configFromParams(params);
  } catch (e) {
    fail((e as Error).message);
    return;
  }
  status.config = config;
  setUpForm(config);
  $<HTMLDivElement>('legend').innerHTML = config.optimizers
    .map((name) => `<span style="--color:${COLORS[name]}">${NAMES[name]}</span>`)
    .join('');
  for (const name of config.optimizers) runs.set(name, { batchLosses: [], evals: [], predictions: [], step: 0 });
  makeTable(config);
  makeDigits(config);
  setStatus('Loading the digits…');
  renderCharts(config);

  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onerror = (event) => fail(event.message || 'the training worker failed to start');
  worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
    const message = event.data;
    switch (message.type) {
      case 'ready':
        status.threads = message.threads;
        status.isolated = message.isolated;
        worker.postMessage({ type: 'start', config } satisfies StartMessage);
        return;
      case 'data': {
        const used = config.limit === null ? message.trainCount : Math.min(config.limit, message.trainCount);
        stepsPerRun = Math.ceil(used / config.batchSize) * config.epochs;
        sampleClasses = message.sampleClasses;
        showDigits(message.samples);
        digitsChanged = true;
        status.state = 'training';
        status.startedAt = performance.now();
        // (Plain numbers: the first toLocaleString() loads locale data, tens of milliseconds.)
        setStatus(`Training on ${used} digits, testing on ${message.testCount}…`);
        break;
      }
      case 'step': {
        const run = runs.get(message.optimizer)!;
        run.step = message.step;
        run.batchLosses.push([message.epoch, message.loss]);
        break;
      }
      case 'eval': {
        const run = runs.get(message.optimizer)!;
        run.evals.push(message);
        run.predictions = message.predictions;
        digitsChanged = true;
        break;
      }
      case 'done': {
        runs.get(message.optimizer)!.done = message;
        status.hashes[message.optimizer] = message.sha256;
        break;
      }
      case 'finished': {
        status.finishedAt = performance.now();
        status.state = 'done';
        const seconds = ((status.finishedAt - status.startedAt!) / 1000).toFixed(1);
        const parameters = [...runs.values()][0].done!.parameters;
        setStatus(
          `Done: ${config.optimizers.map((n) => NAMES[n]).join(' and ')}, ${stepsPerRun} steps each ` +
            `on ${parameters} parameters, in ${seconds} s.`,
        );
        worker.terminate();
        report();
        break;
      }
      case 'error':
        fail(message.message);
        worker.terminate();
        break;
    }
    scheduleRender(config);
  };
}

start();
