// What the page and its training worker say to each other (postMessage; plain data only).
import type { DemoConfig, OptimizerName } from './config.js';

/** How many test digits (the first ones of the test set) the page shows with their predictions. */
export const SAMPLE_DIGITS = 12;

/**
 * Page → worker: train these runs. Sent once the worker said 'ready' (see worker.ts); the page
 * starts a new worker for a new run.
 */
export interface StartMessage {
  type: 'start';
  config: DemoConfig;
}

/** Worker → page. */
export type WorkerMessage =
  /**
   * The worker's module has finished evaluating (the wasm is instantiated) and listens; `threads`:
   * how many threads its kernels use (more than 1 only when the page is cross-origin isolated).
   */
  | { type: 'ready'; threads: number; isolated: boolean }
  /** The digits are loaded: counts, and a few test digits (pixels [n, 784], true classes) to show. */
  | { type: 'data'; trainCount: number; testCount: number; samples: Float32Array; sampleClasses: number[] }
  /** A run took step `step` (1-based: `step` updates done) on a batch with loss `loss` (before the update). */
  | { type: 'step'; optimizer: OptimizerName; step: number; epoch: number; loss: number }
  /** Test-set metrics after `step` updates (0: the initial parameters), and the samples' predictions. */
  | { type: 'eval'; optimizer: OptimizerName; step: number; epoch: number; testLoss: number; testAccuracy: number; predictions: number[] }
  /** A run is complete: its final parameters' SHA-256 and training time (evaluations excluded). */
  | { type: 'done'; optimizer: OptimizerName; steps: number; parameters: number; seconds: number; sha256: string }
  /** Every run is complete. */
  | { type: 'finished' }
  | { type: 'error'; message: string };
