// The browser demo (examples/browser/) end to end, and what it is made of. The demo trains with
// the package's training core (adahessian-wasm/training) exactly as a user's bundled page would;
// in Chromium it must give the same parameters, bit for bit, as the CLI's run in Node, and keep
// the page's main thread free.
//
// Needs Debian's Chromium at /usr/bin/chromium (`apt-get install -y chromium`; .ci/run installs it).
// The page imports the built package (dist/), so run `npm run build` after changing src/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from './helpers/chromium.js';
import { mnist } from 'adahessian-wasm/datasets';
import { Trainer, type TrainConfig } from '../src/training/index.js';
import { trainConfigFor } from '../examples/browser/train-config.js';
import { loadData } from '../src/cli/data.js';
import { buildDemo } from '../examples/browser/build.js';
import { configFromParams, configToParams, type DemoConfig, type OptimizerName } from '../examples/browser/config.js';
import { decodeDigits, demoDigits, encodeDigits } from '../examples/browser/digits-file.js';
import type { DemoStatus } from '../examples/browser/main.js';
import { serveDirectory } from '../examples/browser/serve.js';

/** The page must never block its main thread longer than this while training. */
const MAX_TASK_MS = 100;

/**
 * 1,280 digits in batches of 128: 10 steps of each optimizer on a 784-256-10 MLP, from a fixed key;
 * big enough that the matmuls and the optimizer steps are split over the page's thread pool.
 */
const FIXED: DemoConfig = { optimizers: ['adahessian', 'adam'], hidden: [256], batchSize: 128, epochs: 1, limit: 1280, seed: 20_240_611 };
const STEPS = 10;

/** The CLI's config for the same run (`adahessian-wasm train --optimizer <name> ...`). */
const cliConfig = (optimizer: OptimizerName): TrainConfig => trainConfigFor(optimizer, FIXED);

/** The same bits, compared as bits (so -0 ≠ 0 and NaN payloads count). */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.every((v, i) => v === y[i]);
}

test('digits file: the first 8,000/2,000 digits of mnist(), decoded bit for bit; damaged files are named', () => {
  const all = mnist();
  const data = demoDigits(all);
  for (const key of ['trainImages', 'trainLabels', 'testImages', 'testLabels'] as const) {
    const rows = key.startsWith('train') ? 8000 : 2000;
    assert.deepEqual(data[key].shape, [rows, all[key].shape[1]], key);
    assert.ok(sameBits(data[key].data, all[key].data.subarray(0, data[key].data.length)), `${key}: the first ${rows} rows of mnist()`);
  }
  const bytes = encodeDigits(data);
  assert.equal(bytes.length, 28 + 256 * 4 + 10_000 * (784 + 1), 'header, value table, one byte per pixel and label');
  const back = decodeDigits(bytes);
  for (const key of ['trainImages', 'trainLabels', 'testImages', 'testLabels'] as const) {
    assert.deepEqual(back[key].shape, data[key].shape, key);
    assert.ok(sameBits(back[key].data, data[key].data), `${key}: every value bit for bit`);
  }
  const wrongMagic = bytes.slice();
  wrongMagic[0] = 0x41 ^ 0xff;
  assert.throws(() => decodeDigits(wrongMagic, 'x.bin'), /x\.bin: .*wrong magic bytes/);
  assert.throws(() => decodeDigits(bytes.subarray(0, bytes.length - 1), 'x.bin'), /x\.bin: .*7851051 bytes, its header promises 7851052/);
  assert.throws(() => decodeDigits(bytes.subarray(0, 10), 'x.bin'), /only 10 bytes/);
});

test('demo config: URL parameters round-trip, defaults fill the rest, bad ones are named', () => {
  assert.deepEqual(configFromParams(configToParams(FIXED)), FIXED);
  const partial = configFromParams(new URLSearchParams('hidden=64,32&limit=all'));
  assert.deepEqual(partial.hidden, [64, 32]);
  assert.equal(partial.limit, null);
  assert.deepEqual(configFromParams(new URLSearchParams('hidden=')).hidden, [], 'no hidden layer');
  assert.throws(() => configFromParams(new URLSearchParams('batch=0')), /batch must be a positive integer, got '0'/);
  assert.throws(() => configFromParams(new URLSearchParams('hidden=32,x')), /hidden\[1\] must be a positive integer/);
  assert.throws(() => configFromParams(new URLSearchParams('optimizers=sgd')), /optimizers must be .* adam, adahessian, got 'sgd'/);
  assert.throws(() => configFromParams(new URLSearchParams('optimizers=adam,adam')), /distinct/);
  assert.throws(() => configFromParams(new URLSearchParams('seed=4294967296')), /seed must be an integer in \[0, 2\^32\)/);
  assert.throws(() => configFromParams(new URLSearchParams('lr=1')), /unknown parameter 'lr'/);
});

test('in Chromium the demo trains with threads to the same parameters as Node, bit for bit, without blocking the page', { timeout: 120_000 }, async (t) => {

  // Node first (so it does not compete with the browser for the CPU): the CLI's run.
  const expected = new Map<OptimizerName, string>();
  for (const optimizer of FIXED.optimizers) {
    const config = cliConfig(optimizer);
    const trainer = new Trainer(config, loadData(config.data, config.limit));
    while (!trainer.done) trainer.step();
    assert.equal(trainer.state.step, STEPS, `${optimizer}: ${STEPS} steps`);
    expected.set(optimizer, await trainer.paramsSha256());
  }

  const build = await buildDemo();
  const { server, url } = await serveDirectory(build.outdir);
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    // The hashes must match on every attempt. The long-task bound is a wall-clock measure, and on a
    // busy machine (2 cores shared with other jobs) the OS can stretch a 10 ms task past 100 ms; a
    // page that really blocks its main thread does so every time, so the bound must hold on one of
    // up to ATTEMPTS runs.
    const ATTEMPTS = 3;
    const longestTasks: number[] = [];
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const run = await trainInChromium(browser, `${url}?${configToParams(FIXED)}`);
      assert.equal(run.demo.state, 'done', `the demo failed: ${run.demo.error} ${run.pageErrors.join('; ')}`);
      assert.deepEqual(run.pageErrors, [], 'no errors on the page');
      assert.equal(run.demo.isolated, true, 'the demo server makes the page cross-origin isolated (COOP/COEP)');
      assert.ok(run.demo.threads! >= 2, `the training worker uses threads (got ${run.demo.threads})`);
      for (const [optimizer, hash] of expected) {
        const stale = build.staleDist ? ' (src/ is newer than dist/: run npm run build, the page uses dist/)' : '';
        assert.equal(run.demo.hashes[optimizer], hash, `${optimizer}: Chromium's parameters must equal Node's bit for bit${stale}`);
      }
      assert.equal(run.shownHash, expected.get('adahessian'), 'the page shows the hash');
      t.diagnostic(
        `attempt ${attempt}: training took ${run.seconds.toFixed(2)} s in Chromium; longest main-thread task during it: ` +
          `${run.longestTaskMs > 0 ? `${run.longestTaskMs.toFixed(0)} ms` : 'none ≥ 50 ms'}; ` +
          `longest gap between animation frames: ${run.longestFrameGapMs.toFixed(0)} ms`,
      );
      longestTasks.push(run.longestTaskMs);
      if (run.longestTaskMs <= MAX_TASK_MS) break;
    }
    const best = Math.min(...longestTasks);
    assert.ok(
      best <= MAX_TASK_MS,
      `a main-thread task took more than ${MAX_TASK_MS} ms while training, in every run (longest: ${longestTasks.join(', ')} ms)`,
    );
  } finally {
    await browser?.close();
    server.close();
  }
});

interface ChromiumRun {
  demo: DemoStatus;
  pageErrors: string[];
  shownHash: string | null;
  seconds: number;
  /** The longest main-thread task while training (0 when none reached the API's 50 ms floor). */
  longestTaskMs: number;
  longestFrameGapMs: number;
}

/** Opens the demo at `url` in a fresh page, waits until it has trained, and measures its main thread. */
async function trainInChromium(browser: Browser, url: string): Promise<ChromiumRun> {
  const page = await browser.newPage();
  try {
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    // Our own probes, installed before the page's scripts: every long task (the Long Tasks API
    // reports tasks of 50 ms and more) and every animation frame.
    // (A string, not a function: tsx's transform would add helpers the page does not have.)
    await page.addInitScript(`
      const probe = (window.__probe = { tasks: [], frames: [] });
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) probe.tasks.push([e.startTime, e.duration]);
      }).observe({ type: 'longtask', buffered: true });
      const frame = (now) => {
        probe.frames.push(now);
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    `);
    await page.goto(url);
    await page.waitForFunction(() => ['done', 'error'].includes(window.demo?.state), null, { timeout: 60_000 });
    await page.waitForTimeout(200); // let the last long-task entries arrive
    const { demo, probe } = await page.evaluate(() => ({ demo: window.demo as DemoStatus, probe: (window as any).__probe }));
    const shownHash = await page.textContent('#hash-adahessian');
    if (demo.state !== 'done') return { demo, pageErrors, shownHash, seconds: 0, longestTaskMs: 0, longestFrameGapMs: 0 };

    const [from, to] = [demo.startedAt!, demo.finishedAt!];
    const tasks = (probe.tasks as [number, number][]).filter(([start, length]) => start + length >= from && start <= to);
    const frames = (probe.frames as number[]).filter((f) => f >= from && f <= to);
    return {
      demo,
      pageErrors,
      shownHash,
      seconds: (to - from) / 1000,
      longestTaskMs: Math.max(0, ...tasks.map(([, length]) => length)),
      longestFrameGapMs: Math.max(0, ...frames.slice(1).map((f, i) => f - frames[i])),
    };
  } finally {
    await page.close();
  }
}
