// What the host environment offers for threads: Node's worker_threads (always, unless
// ADAHESSIAN_THREADS=1), or browser Web Workers from a cross-origin isolated page (the only pages
// given SharedArrayBuffer). A page's main thread may not block in Atomics.wait (browsers forbid
// it): there the calling thread spins on the pending count while the workers finish their parts.
import { BROWSER_WORKER_SOURCE, NODE_WORKER_SOURCE, type WorkerInit } from './worker-source.js';
import { MAX_THREADS } from './control.js';

/** A started worker, as the pool sees it. */
export interface WorkerHandle {
  /** Calls `listener` if the worker dies outside a kernel (it then takes no more work). */
  onFailure(listener: (error: unknown) => void): void;
}

export interface Platform {
  /** Whether this thread can run a pool (shared memory and workers). */
  threaded: boolean;
  /** Whether this thread may sleep in Atomics.wait (a page's main thread may not: it spins). */
  canBlock: boolean;
  /** The thread count to start with: ADAHESSIAN_THREADS, else one per core (at most MAX_THREADS). */
  defaultThreads: number;
  /** Why threads are off here (empty when they are on). */
  reason: string;
  spawn(init: WorkerInit): WorkerHandle;
}

/** Parses ADAHESSIAN_THREADS: a positive integer, or a RangeError naming the variable. */
export function parseThreadCount(text: string, source: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new RangeError(`${source} must be an integer from 1 to ${MAX_THREADS}, got ${JSON.stringify(text)}`);
  }
  return n;
}

// Specifiers held in variables so that bundlers for the browser leave these Node modules alone.
const WORKER_THREADS = 'node:worker_threads';
const OS = 'node:os';

async function nodePlatform(): Promise<Platform> {
  const env = process.env.ADAHESSIAN_THREADS;
  const os: typeof import('node:os') = await import(OS);
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const defaultThreads = env !== undefined && env !== ''
    ? parseThreadCount(env, 'ADAHESSIAN_THREADS')
    : Math.min(Math.max(cores, 1), MAX_THREADS);
  if (defaultThreads === 1 && env !== undefined && env !== '') {
    return { threaded: false, canBlock: true, defaultThreads: 1, reason: 'ADAHESSIAN_THREADS=1 selects the single-thread core', spawn: unavailable };
  }
  const { Worker }: typeof import('node:worker_threads') = await import(WORKER_THREADS);
  return {
    threaded: true,
    canBlock: true,
    defaultThreads,
    reason: '',
    spawn(init) {
      const worker = new Worker(NODE_WORKER_SOURCE, { eval: true, workerData: init, execArgv: [] });
      worker.unref(); // an idle pool never keeps the process alive
      return {
        onFailure(listener) {
          worker.on('error', listener);
          worker.on('exit', (code) => listener(new Error(`pool worker exited with code ${code}`)));
        },
      };
    },
  };
}

function browserPlatform(): Platform {
  const g = globalThis as { crossOriginIsolated?: boolean; document?: unknown; navigator?: { hardwareConcurrency?: number } };
  const cores = g.navigator?.hardwareConcurrency ?? 1;
  const defaultThreads = Math.min(Math.max(cores, 1), MAX_THREADS);
  let reason = '';
  if (typeof SharedArrayBuffer === 'undefined' || g.crossOriginIsolated !== true) {
    reason = 'the page is not cross-origin isolated (it needs COOP: same-origin and COEP: require-corp)';
  } else if (typeof Worker === 'undefined') {
    reason = 'this worker cannot start workers';
  }
  if (reason) return { threaded: false, canBlock: true, defaultThreads: 1, reason, spawn: unavailable };
  return {
    threaded: true,
    canBlock: g.document === undefined, // a Worker may wait; a page's main thread spins
    defaultThreads,
    reason,
    spawn(init) {
      const url = URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
      const worker = new Worker(url, { name: `adahessian-wasm pool ${init.index}` });
      worker.postMessage(init);
      return {
        onFailure(listener) {
          worker.addEventListener('error', listener);
        },
      };
    },
  };
}

function unavailable(): never {
  throw new Error('threads are not available here');
}

export async function detectPlatform(): Promise<Platform> {
  const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
  return isNode ? nodePlatform() : browserPlatform();
}
