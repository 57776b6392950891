// The public thread settings: setThreads(n) / getThreads(). The count starts at
// ADAHESSIAN_THREADS (Node) or one thread per core; where threads are unavailable (a page that is
// not cross-origin isolated, ADAHESSIAN_THREADS=1) it stays 1. Any count
// gives the same bits: the pool only changes how fast.
import { pool } from '../wasm/instance.js';
import { MAX_THREADS } from './control.js';

/**
 * Sets the number of threads kernels may use (the calling thread included): an integer from 1 to
 * 64. Returns the number that will be used: `n`, or 1 where threads are unavailable.
 */
export function setThreads(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new RangeError(`setThreads: expected an integer from 1 to ${MAX_THREADS}, got ${String(n)}`);
  }
  pool?.setThreadCount(n);
  return getThreads();
}

/** The number of threads kernels may use (1 where threads are unavailable). */
export function getThreads(): number {
  return pool ? pool.threadCount : 1;
}

/**
 * Starts the pool's workers for the current count if they are not running yet and resolves, with
 * getThreads(), once they are ready. Optional: kernels never wait for workers (the calling thread
 * works alone until they are ready); this is for timing, or to use every thread from the first step.
 */
export async function threadsReady(): Promise<number> {
  await pool?.ready();
  return getThreads();
}
