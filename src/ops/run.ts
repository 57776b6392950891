// How a public op runs: inside a transform it returns a Tracer of the active trace; outside any
// transform it runs eagerly in a throw-away trace and returns a plain Tensor (copied out of wasm
// memory, which is then released).
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
