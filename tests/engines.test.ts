// The same training gives the same parameters, bit for bit, in every JavaScript engine: V8 (Node,
// Chromium), SpiderMonkey (Firefox ESR) and JavaScriptCore (Bun). Two short runs (tests/engines/
// train.ts: 20 AdaHessian and 20 Adam steps of the training core's MLP on real MNIST digits, and
// 2 + 2 of its CNN) are hashed in Node; Chromium and Firefox train them in the browser demo
// (examples/browser), Bun runs the script; every hash must be Node's.
//
// No automation protocol: each browser starts headless on the demo's URL with `report=<url>`, and
// the page POSTs its final status to this test's own server on 127.0.0.1.
//
// Needs /usr/bin/chromium and /usr/bin/firefox-esr (Debian: `apt-get install -y chromium
// firefox-esr`; .ci/run installs both) and the npm package @oven/bun-linux-x64 (a dev dependency;
// on other platforms its binary is absent). An engine that is not installed is skipped, saying
// so. The pages and Node import the built package (dist/): run `npm run build` after changing src/.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDemo } from '../examples/browser/build.js';
import { configToParams } from '../examples/browser/config.js';
import type { DemoStatus } from '../examples/browser/main.js';
import { serveDirectory } from '../examples/browser/serve.js';
import { CNN_RUN, RUN, trainedHashes, type Hashes } from './engines/train.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const FIREFOX = '/usr/bin/firefox-esr';
const BUN = join(ROOT, 'node_modules', '@oven', 'bun-linux-x64', 'bin', 'bun');
/** How long a browser may take to load the page, train and report. */
const PAGE_TIMEOUT_MS = 120_000;

/** Firefox preferences for a throwaway profile: no first-run pages, updates or telemetry. */
const FIREFOX_PREFS = {
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'app.update.disabledForTesting': true,
  'app.normandy.enabled': false,
  'extensions.update.enabled': false,
  'browser.safebrowsing.update.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
};

interface Browser {
  name: string;
  binary: string;
  /** The command line that opens `url` headless with the throwaway profile directory `profile`. */
  args(profile: string, url: string): string[];
  /** Prepares the profile directory before the start. */
  prepare?(profile: string): void;
}

const BROWSERS: Browser[] = [
  {
    name: 'Chromium',
    binary: CHROMIUM,
    args: (profile, url) => [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      url,
    ],
  },
  {
    name: 'Firefox ESR',
    binary: FIREFOX,
    prepare: (profile) =>
      writeFileSync(
        join(profile, 'user.js'),
        Object.entries(FIREFOX_PREFS).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});\n`).join(''),
      ),
    args: (profile, url) => ['--headless', '--no-remote', '--profile', profile, url],
  },
];

/** `binary --version`, first line (Debian's chromium wrapper prints shell noise on stderr). */
function versionOf(binary: string): string {
  return execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n')[0];
}

/** A server on 127.0.0.1 that hands out one URL per expected report and resolves it with the POSTed JSON. */
async function reportServer(): Promise<{ server: Server; expect(name: string): { url: string; report: Promise<DemoStatus & { userAgent: string }> } }> {
  const waiting = new Map<string, (body: string) => void>();
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      response.writeHead(204, { 'access-control-allow-origin': '*' }).end();
      if (request.method === 'POST') waiting.get(request.url ?? '')?.(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    server,
    expect(name) {
      const path = `/report/${encodeURIComponent(name)}`;
      const report = new Promise<string>((resolve) => waiting.set(path, resolve)).then((body) => JSON.parse(body));
      return { url: `http://127.0.0.1:${port}${path}`, report };
    },
  };
}

/** Starts `browser` on `url`, waits for `report` (or the timeout), and stops the browser and its children. */
async function runInBrowser<T>(browser: Browser, url: string, report: Promise<T>): Promise<T> {
  const profile = mkdtempSync(join(tmpdir(), 'adahessian-engines-'));
  browser.prepare?.(profile);
  // Its own process group, so that stopping it stops the browser's child processes too.
  const child = spawn(browser.binary, browser.args(profile, url), { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`${browser.name} exited (${signal ?? code}) before the page reported:\n${stderr}`))),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${browser.name}: no report within ${PAGE_TIMEOUT_MS / 1000} s:\n${stderr}`)), PAGE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([report, exited, timeout]);
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid!, 'SIGTERM');
      await gone;
    }
    rmSync(profile, { recursive: true, force: true });
  }
}

function describeHashes(hashes: Hashes): string {
  return RUN.optimizers.map((o) => `${o} ${hashes[o]}`).join(', ');
}

function assertSameHashes(t: TestContext, engine: string, got: Hashes, node: Hashes): void {
  t.diagnostic(`${engine}: ${describeHashes(got)}`);
  for (const optimizer of RUN.optimizers) {
    assert.equal(got[optimizer], node[optimizer], `${optimizer}: ${engine}'s parameters must equal Node's bit for bit`);
  }
}

/** The runs every engine repeats: the MLP, and the CLI's CNN. */
const RUNS = { mlp: RUN, cnn: CNN_RUN };

test('the same training gives the same parameter hash in V8 (Node, Chromium), SpiderMonkey (Firefox ESR) and JavaScriptCore (Bun)', { timeout: 900_000 }, async (t) => {
  const node = { mlp: await trainedHashes(RUN), cnn: await trainedHashes(CNN_RUN) };
  for (const [model, hashes] of Object.entries(node)) {
    for (const optimizer of RUN.optimizers) assert.match(hashes[optimizer] ?? '', /^[0-9a-f]{64}$/, `Node: ${model} ${optimizer}'s hash`);
    t.diagnostic(`Node ${process.version} (V8 ${process.versions.v8}), ${model}: ${describeHashes(hashes)}`);
  }

  const outdir = mkdtempSync(join(tmpdir(), 'adahessian-engines-demo-'));
  const build = await buildDemo(outdir);
  if (build.staleDist) t.diagnostic('src/ is newer than dist/: every engine here runs dist/ (run npm run build)');
  const { server: demoServer, url: demoUrl } = await serveDirectory(outdir);
  const reports = await reportServer();
  try {
    for (const browser of BROWSERS) {
      const absent = !existsSync(browser.binary) && `${browser.name} is not installed at ${browser.binary} (Debian: apt-get install -y ${browser.binary.split('/').pop()}; .ci/run installs it)`;
      await t.test(browser.name, { skip: absent }, async (t) => {
        const version = versionOf(browser.binary);
        for (const [model, run] of Object.entries(RUNS) as [keyof typeof RUNS, typeof RUN][]) {
          const { url: reportUrl, report } = reports.expect(`${browser.name} ${model}`);
          const params = configToParams(run);
          params.set('report', reportUrl);
          const status = await runInBrowser(browser, `${demoUrl}?${params}`, report);
          assert.equal(status.state, 'done', `${browser.name} ${model}: the demo failed: ${status.error}`);
          assertSameHashes(t, `${version} (${status.userAgent}), ${model}`, status.hashes, node[model]);
        }
      });
    }
  } finally {
    demoServer.close();
    reports.server.close();
    rmSync(outdir, { recursive: true, force: true });
  }

  const noBun = !existsSync(BUN) && `Bun is not installed at ${BUN} (the dev dependency @oven/bun-linux-x64: npm ci on Linux x64 installs it)`;
  await t.test('Bun', { skip: noBun }, async (t) => {
    // Both runs in one process: twice a page's time.
    const output = execFileSync(BUN, [join(ROOT, 'tests', 'engines', 'train.ts')], { cwd: ROOT, encoding: 'utf8', timeout: 2 * PAGE_TIMEOUT_MS });
    const { engine, hashes, cnnHashes } = JSON.parse(output.trim().split('\n').pop()!) as { engine: string; hashes: Hashes; cnnHashes: Hashes };
    assertSameHashes(t, `${engine} (JavaScriptCore), mlp`, hashes, node.mlp);
    assertSameHashes(t, `${engine} (JavaScriptCore), cnn`, cnnHashes, node.cnn);
  });
});
