// The thread pool: workers that each hold an instance of the same compiled core over the same
// shared memory, started lazily and used only once ready (until then the calling thread does the
// work alone: the bits are the same either way). `run` hands one kernel call to each of several
// threads (the calling thread takes the first, workers the rest), waits for all of them, and
// returns their results or throws the first error. Kernel calls stay synchronous.
import {
  ACTIVE, CONTROL_BYTES, controlViews, ERROR_CHARS, ERROR_LENGTH, FAILED, FN, GEN, MAX_ARGS, MAX_THREADS,
  NARGS, PENDING, READY, slot, STATE, type ControlViews,
} from './control.js';
import type { Platform } from './platform.js';

type Kernel = (...args: number[]) => number;

/** One kernel call: the export's number in `kernels` and its arguments. */
export interface KernelCall {
  fn: number;
  args: number[];
}

/** Atomics.load polls before a worker (or the caller) sleeps in Atomics.wait. */
const SPIN = 2000;

export class Pool {
  private readonly control = new SharedArrayBuffer(CONTROL_BYTES);
  private readonly views: ControlViews = controlViews(this.control);
  private readonly fns: Kernel[];
  private readonly index = new Map<string, number>();
  private started = 0;
  private generation = 0;
  private threads: number;
  private failure: unknown = null;
  /** Kernel calls that ran on a worker (tests use it to see the pool at work). */
  workerCalls = 0;

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly kernels: string[],
    exports: Record<string, unknown>,
    private readonly platform: Platform,
  ) {
    this.fns = kernels.map((name) => exports[name] as Kernel);
    kernels.forEach((name, i) => this.index.set(name, i));
    this.threads = platform.defaultThreads;
  }

  /** The number of an export, for KernelCall.fn. */
  kernel(name: string): number {
    const i = this.index.get(name);
    if (i === undefined) throw new Error(`pool: no kernel named ${name}`);
    return i;
  }

  get threadCount(): number {
    return this.threads;
  }

  setThreadCount(n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
      throw new RangeError(`setThreads: expected an integer from 1 to ${MAX_THREADS}, got ${n}`);
    }
    this.threads = n;
  }

  /**
   * How many threads may take a share now, at most `wanted`: the calling thread plus the ready
   * workers among the first threadCount - 1 (starting those not started yet, which join later).
   */
  available(wanted: number): number {
    const limit = Math.min(wanted, this.threads);
    if (limit <= 1) return 1;
    this.start(this.threads - 1);
    let ready = 1;
    for (let w = 0; w < limit - 1; w++) {
      if (Atomics.load(this.views.ints, slot(w, STATE)) !== READY) break;
      ready++;
    }
    return ready;
  }

  /**
   * Resolves once the workers for the current thread count are started and ready (kernels do not
   * wait for them: until then the calling thread works alone). Rejects if one failed to start.
   */
  async ready(): Promise<void> {
    this.start(this.threads - 1);
    for (;;) {
      let ready = 0;
      for (let w = 0; w < this.threads - 1; w++) {
        const state = Atomics.load(this.views.ints, slot(w, STATE));
        if (state === FAILED) throw new Error(`pool worker ${w + 1} failed to start`, { cause: this.failure });
        if (state === READY) ready++;
      }
      if (ready === this.threads - 1) return;
      if (this.failure !== null) throw new Error('pool workers could not be started', { cause: this.failure });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private start(workers: number): void {
    if (this.failure !== null) return;
    for (; this.started < workers; this.started++) {
      const index = this.started;
      try {
        const handle = this.platform.spawn({
          module: this.module, memory: this.memory, control: this.control, index,
          kernels: this.kernels, spin: SPIN,
        });
        handle.onFailure((error) => {
          Atomics.store(this.views.ints, slot(index, STATE), FAILED);
          this.failure ??= error;
        });
      } catch (error) {
        // workers cannot be started here (e.g. a content security policy): one thread from now on
        this.failure = error;
        this.threads = 1;
        return;
      }
    }
  }

  /**
   * Runs calls[0] on this thread and calls[w + 1] on worker w, all at once; returns their results
   * in order once every one has finished. If any threw, throws an Error naming the first (after
   * all have finished, so no worker is still writing memory the caller is about to free).
   */
  run(calls: KernelCall[]): number[] {
    const { ints, args, results } = this.views;
    const workers = calls.length - 1;
    const gen = ++this.generation | 0;
    for (let w = 0; w < workers; w++) {
      const call = calls[w + 1];
      if (call.args.length > MAX_ARGS) throw new Error(`pool: ${call.args.length} arguments, at most ${MAX_ARGS}`);
      ints[slot(w, FN)] = call.fn;
      ints[slot(w, NARGS)] = call.args.length;
      ints[slot(w, ERROR_LENGTH)] = 0;
      args.set(call.args, w * MAX_ARGS);
      Atomics.store(ints, slot(w, ACTIVE), gen);
    }
    Atomics.store(ints, PENDING, workers);
    Atomics.store(ints, GEN, gen);
    Atomics.notify(ints, GEN);
    this.workerCalls += workers;

    let first: number;
    let ownError: unknown = null;
    try {
      first = this.fns[calls[0].fn](...calls[0].args);
    } catch (error) {
      ownError = error;
      first = NaN;
    }
    this.waitForWorkers();
    if (ownError !== null) throw ownError;
    const out = [first];
    for (let w = 0; w < workers; w++) {
      const length = ints[slot(w, ERROR_LENGTH)];
      if (length > 0) throw this.workerError(w, calls[w + 1].fn, length);
      out.push(results[w]);
    }
    return out;
  }

  private waitForWorkers(): void {
    const { ints } = this.views;
    if (!this.platform.canBlock) {
      // a page's main thread: the workers took their parts at the same time, so this is short
      while (Atomics.load(ints, PENDING) !== 0);
      return;
    }
    let pending = Atomics.load(ints, PENDING);
    for (let i = 0; pending !== 0 && i < SPIN; i++) pending = Atomics.load(ints, PENDING);
    while (pending !== 0) {
      Atomics.wait(ints, PENDING, pending);
      pending = Atomics.load(ints, PENDING);
    }
  }

  private workerError(w: number, fn: number, length: number): Error {
    const codes = this.views.errors.slice(w * ERROR_CHARS, w * ERROR_CHARS + length);
    let text = '';
    for (const c of codes) text += String.fromCharCode(c);
    return new Error(`wasm kernel ${this.kernels[fn]} failed on pool worker ${w + 1}: ${text}`);
  }
}
