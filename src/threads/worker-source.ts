// The program a pool worker runs, as JavaScript source: it is started from a string (Node's
// `eval` worker, a Blob URL in browsers), so it works the same from dist/, from tsx and from any
// bundle without a separate file to ship or resolve. It needs nothing but WebAssembly and Atomics.
//
// The worker instantiates the compiled core over the shared memory, marks itself ready, then loops:
// wait (polling for spinMicros, then Atomics.wait) for a new generation, then claim its parts one
// at a time until none is left (control.ts): call the kernel with the part's arguments, store the
// result or the error message, and count the part off.
import {
  ARGS_OFFSET, claimPart, COUNT, ERROR_CHARS, ERROR_LENGTH, ERRORS_OFFSET, FAILED, FN, GEN, MAX_ARGS, MAX_WORKERS,
  NARGS, NEXT, PENDING, READY, RESULTS_OFFSET, SLOT_INTS, SLOTS, STATE, TAG_MASK,
} from './control.js';

/** What a worker receives: `workerData` in Node, the first message in a browser. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  /** This worker's index (its slot). */
  index: number;
  /** Export names, in the order the caller refers to them by number. */
  kernels: string[];
  /** Microseconds to keep polling for the next generation before sleeping in Atomics.wait. */
  spinMicros: number;
}

const body = `${claimPart.toString()}
function runWorker(init) {
  const { module, memory, control, index, kernels, spinMicros } = init;
  const ints = new Int32Array(control, 0, ${SLOTS + MAX_WORKERS * SLOT_INTS});
  const args = new Float64Array(control, ${ARGS_OFFSET}, ${MAX_WORKERS * MAX_ARGS});
  const results = new Float64Array(control, ${RESULTS_OFFSET}, ${MAX_WORKERS});
  const errors = new Uint16Array(control, ${ERRORS_OFFSET}, ${MAX_WORKERS * ERROR_CHARS});
  const at = (s, field) => ${SLOTS} + s * ${SLOT_INTS} + field;
  const report = (s, error) => {
    const text = String(error && error.stack ? (error.name + ': ' + error.message) : error);
    const length = Math.min(text.length, ${ERROR_CHARS});
    for (let i = 0; i < length; i++) errors[s * ${ERROR_CHARS} + i] = text.charCodeAt(i);
    Atomics.store(ints, at(s, ${ERROR_LENGTH}), length);
  };
  // read before saying ready: a generation posted after READY is one this worker has not seen
  let seen = Atomics.load(ints, ${GEN});
  let fns;
  try {
    const instance = new WebAssembly.Instance(module, {
      env: {
        memory,
        abort(_message, _file, line, column) {
          throw new Error('wasm core aborted at line ' + line + ':' + column);
        },
      },
    });
    fns = kernels.map((name) => instance.exports[name]);
  } catch (error) {
    report(index, error);
    Atomics.store(ints, at(index, ${STATE}), ${FAILED});
    return;
  }
  Atomics.store(ints, at(index, ${STATE}), ${READY});
  const call = [];
  for (;;) {
    let gen = Atomics.load(ints, ${GEN});
    if (gen === seen) {
      // poll (reading the clock every 64 polls) before sleeping: a wake costs tens of µs
      const until = performance.now() + spinMicros / 1000;
      for (let i = 1; gen === seen; i++) {
        gen = Atomics.load(ints, ${GEN});
        if ((i & 63) === 0 && performance.now() > until) break;
      }
    }
    while (gen === seen) {
      Atomics.wait(ints, ${GEN}, seen);
      gen = Atomics.load(ints, ${GEN});
    }
    seen = gen;
    for (;;) {
      const part = claimPart(ints, ${NEXT}, ${COUNT}, gen & ${TAG_MASK});
      if (part < 0) break;
      const s = part - 1;
      const fn = fns[ints[at(s, ${FN})]];
      call.length = ints[at(s, ${NARGS})];
      for (let i = 0; i < call.length; i++) call[i] = args[s * ${MAX_ARGS} + i];
      try {
        results[s] = fn.apply(null, call);
      } catch (error) {
        report(s, error);
      }
      if (Atomics.sub(ints, ${PENDING}, 1) === 1) Atomics.notify(ints, ${PENDING});
    }
  }
}`;

/**
 * Source of a worker_threads worker (eval: true, a CommonJS script: execArgv is cleared so no
 * --input-type applies) that takes its WorkerInit from workerData. (Browser bundles carry this
 * string too, inert; the module's bare name keeps them free of `node:` specifiers.)
 */
export const NODE_WORKER_SOURCE = `${body}\nrunWorker(require('worker_threads').workerData);\n`;

/** Source of a browser worker that takes its WorkerInit from its first message. */
export const BROWSER_WORKER_SOURCE =
  `${body}\nself.onmessage = (event) => { self.onmessage = null; runWorker(event.data); };\n`;
