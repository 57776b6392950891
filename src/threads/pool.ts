// The thread pool: workers that each hold an instance of the same compiled core over the same
// shared memory, started lazily and used only once ready (until then the calling thread does the
// work alone: the bits are the same either way). `run` posts the parts of one kernel call (the
// calling thread runs the first, then any part no worker has claimed yet), waits for all of them,
// and returns their results or throws the first error. Kernel calls stay synchronous.
import {
  claimPart, CLOSED, CONTROL_BYTES, controlViews, COUNT, ERROR_CHARS, ERROR_LENGTH, FAILED, FN, GEN, MAX_ARGS, MAX_THREADS,
  NARGS, NEXT, PENDING, READY, slot, STATE, TAG_MASK, type ControlViews,
} from './control.js';
import type { Platform } from './platform.js';

type Kernel = (...args: number[]) => number;

/** One kernel call: the export's number in `kernels` and its arguments. */
export interface KernelCall {
  fn: number;
  args: number[];
}

/**
 * Microseconds a worker keeps polling for the next generation before it sleeps in Atomics.wait
 * (as OpenMP runtimes spin before they block). A sleeping worker joins a split call 30–80 µs late
 * on a virtual machine, now and then a millisecond, and leaves its share to the caller meanwhile;
 * the gaps between the split kernels of a training step (the host's own work, small kernels left
 * whole) are mostly shorter than a millisecond. Measured on the full MLP's gradAndHessian, with
 * 50, 500 and 2000 µs taking turns in one process: 1.50–1.77× with 50, 1.58–1.93× with 500 or 2000.
 * Longer polling only burns the idle core for longer after the last call.
 */
export const WORKER_SPIN_MICROS = 1000;
/**
 * Microseconds the caller polls for parts still running on workers before sleeping. It waits
 * only for parts a worker has already claimed (it runs unclaimed ones itself), which finish
 * about when its own do.
 */
export const CALLER_SPIN_MICROS = 500;

export class Pool {
  private readonly control = new SharedArrayBuffer(CONTROL_BYTES);
  private readonly views: ControlViews = controlViews(this.control);
  private readonly fns: Kernel[];
  private readonly index = new Map<string, number>();
  private started = 0;
  private generation = 0;
  private threads: number;
  private failure: unknown = null;
  /** Kernel calls split into parts, and parts that a worker ran (tests use them to see the pool at work). */
  splits = 0;
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
          kernels: this.kernels, spinMicros: WORKER_SPIN_MICROS,
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
   * Runs the calls as the parts of one kernel call: calls[0] on this thread, the others on
   * whichever threads claim them first (this one too, once its own part is done); returns their
   * results in order once every one has finished. If any threw, throws an Error naming the first
   * (after all have finished, so no worker is still writing memory the caller is about to free).
   */
  run(calls: KernelCall[]): number[] {
    const { ints, args, results } = this.views;
    const count = calls.length;
    for (const call of calls) {
      if (call.args.length > MAX_ARGS) throw new Error(`pool: ${call.args.length} arguments, at most ${MAX_ARGS}`);
    }
    const gen = ++this.generation | 0;
    // Close claiming before the slots are rewritten: a worker that has just finished the last
    // generation's part may still be about to claim another, and would otherwise see the new
    // COUNT with the old tag and take a slot of this generation (running it twice).
    Atomics.store(ints, NEXT, ((gen & TAG_MASK) << 8) | CLOSED);
    for (let p = 1; p < count; p++) {
      const call = calls[p];
      ints[slot(p - 1, FN)] = call.fn;
      ints[slot(p - 1, NARGS)] = call.args.length;
      ints[slot(p - 1, ERROR_LENGTH)] = 0;
      args.set(call.args, (p - 1) * MAX_ARGS);
    }
    Atomics.store(ints, COUNT, count);
    Atomics.store(ints, PENDING, count - 1);
    Atomics.store(ints, NEXT, ((gen & TAG_MASK) << 8) | 1);
    Atomics.store(ints, GEN, gen);
    Atomics.notify(ints, GEN, count - 1);
    this.splits++;

    const out: number[] = new Array(count);
    const errors: unknown[] = new Array(count);
    const own = (p: number) => {
      try {
        out[p] = this.fns[calls[p].fn](...calls[p].args);
      } catch (error) {
        errors[p] = error ?? new Error('unknown error');
      }
    };
    own(0);
    let mine = 0;
    for (let p; (p = claimPart(ints, NEXT, COUNT, gen & TAG_MASK)) > 0; mine++) {
      own(p);
      Atomics.sub(ints, PENDING, 1);
    }
    this.waitForWorkers();
    this.workerCalls += count - 1 - mine;
    for (let p = 0; p < count; p++) {
      if (errors[p] !== undefined) throw this.partError(calls, p, String((errors[p] as Error).message ?? errors[p]), errors[p]);
      if (p in out) continue; // run here
      const length = ints[slot(p - 1, ERROR_LENGTH)];
      if (length > 0) throw this.partError(calls, p, this.errorText(p - 1, length));
      out[p] = results[p - 1];
    }
    return out;
  }

  private partError(calls: KernelCall[], p: number, text: string, cause?: unknown): Error {
    return new Error(`wasm kernel ${this.kernels[calls[p].fn]} failed in part ${p + 1} of ${calls.length}: ${text}`, { cause });
  }

  private waitForWorkers(): void {
    const { ints } = this.views;
    if (!this.platform.canBlock) {
      // a page's main thread: the workers took their parts at the same time, so this is short
      while (Atomics.load(ints, PENDING) > 0);
      return;
    }
    let pending = Atomics.load(ints, PENDING);
    if (pending > 0) {
      const until = performance.now() + CALLER_SPIN_MICROS / 1000;
      for (let i = 1; pending > 0; i++) {
        pending = Atomics.load(ints, PENDING);
        if ((i & 63) === 0 && performance.now() > until) break;
      }
    }
    while (pending > 0) {
      Atomics.wait(ints, PENDING, pending);
      pending = Atomics.load(ints, PENDING);
    }
  }

  private errorText(s: number, length: number): string {
    const codes = this.views.errors.slice(s * ERROR_CHARS, s * ERROR_CHARS + length);
    let text = '';
    for (const c of codes) text += String.fromCharCode(c);
    return text;
  }
}
