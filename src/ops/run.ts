// How a public op runs: inside a transform it returns a Tracer of the active trace; outside any
// transform it runs eagerly in a throw-away trace and returns a plain Tensor (copied out of wasm
// memory, which is then released). `runTogether` runs many ops in one such trace, so the values
// between them stay in wasm memory.
import { Tensor } from '../tensor.js';
import { scoped } from '../wasm/arena.js';
import { activeTrace, Trace, withTrace, type Tracer } from '../autodiff/trace.js';

export function run(body: () => Tracer): Tensor {
  if (activeTrace()) return body();
  return scoped(() =>
    withTrace(new Trace('eager'), () => {
      const y = body();
      return new Tensor(y.data, y.shape);
    }),
  );
}

/**
 * Runs `body`, a forward computation of several ops, in one eager trace: the values between its ops
 * stay in wasm memory (a model's activations are not copied out and back in after every layer).
 * What `body` returns must be plain data, read inside it (`.data`, `.item()`): the trace's values
 * are released when it ends. Inside a transform it just runs `body`.
 */
export function runTogether<T>(body: () => T): T {
  if (activeTrace()) return body();
  return scoped(() => withTrace(new Trace('eager'), body));
}
