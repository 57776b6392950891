// max over axes and argmax. max is piecewise linear: with w the indicator of where the maximum is
// attained, split evenly between ties (JAX's rule), its rules are
//   JVP ẏ = Σ w·ẋ,  VJP x̄ += w·ȳ (broadcast),  JVP-of-VJP ẋ̄ += w·ẏ̄ (its second derivative is 0).
import { allocF32 } from '../wasm/arena.js';
import { core } from '../wasm/instance.js';
import { cotangent, cotangentTangent, Tracer } from '../autodiff/trace.js';
import { broadcastInto, maxAxesInto, sumAxesInto } from '../kernels/axes.js';
import { keepDimsShape, normalizeAxes } from './axes.js';
import { reshape } from './linear.js';
import { sizeOf } from '../tensor.js';

export function max(x: Tracer, axis?: number | readonly number[], keepdims = false): Tracer {
  const axes = normalizeAxes(axis, x.shape, 'max');
  if (x.size === 0) throw new RangeError('max: zero-size array has no maximum');
  const kept = keepDimsShape(x.shape, axes);
  const t = x.trace;
  const y = t.value(kept, x.dep);
  maxAxesInto(x.primal, x.shape, axes, y.primal);
  if (y.dep) {
    const n = x.size;
    const m = y.size;
    // w = [x == max] / (number of ties)
    const w = allocF32(n);
    broadcastInto(y.primal, kept, x.shape, w, false);
    core.equalMask(x.primal, w, w, n);
    const ties = allocF32(m);
    sumAxesInto(w, x.shape, axes, ties, false);
    const tiesWide = allocF32(n);
    broadcastInto(ties, kept, x.shape, tiesWide, false);
    core.div(w, tiesWide, w, n);
    const wx = allocF32(n);
    if (t.withTangents) {
      core.mul(w, x.tangent, wx, n);
      sumAxesInto(wx, x.shape, axes, y.tangent, false);
    }
    t.onBackward(y, () => {
      broadcastInto(y.ct, kept, x.shape, wx, false);
      core.mulAddInto(cotangent(x), w, wx, n);
      if (y.ctDot) {
        broadcastInto(y.ctDot, kept, x.shape, wx, false);
        core.mulAddInto(cotangentTangent(x), w, wx, n);
      }
    });
  }
  return keepdims ? y : reshape(y, x.shape.filter((_, i) => !axes.includes(i)));
}

/** Index of the first maximum along `axis` (flattened if undefined), as float32; no derivative. */
export function argmax(x: Tracer, axis?: number): Tracer {
  const t = x.trace;
  if (x.size === 0) throw new RangeError('argmax: zero-size array has no maximum');
  if (axis === undefined) {
    const y = t.value([], false);
    core.argmaxAxis(x.primal, y.primal, 1, x.size, 1);
    return y;
  }
  const [a] = normalizeAxes(axis, x.shape, 'argmax');
  const outShape = x.shape.filter((_, i) => i !== a);
  const y = t.value(outShape, false);
  core.argmaxAxis(x.primal, y.primal, sizeOf(x.shape.slice(0, a)), x.shape[a], sizeOf(x.shape.slice(a + 1)));
  return y;
}
