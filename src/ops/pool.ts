// Pooling over NHWC windows (JAX stax's MaxPool / SumPool / AvgPool).
// Sum and average pooling are linear maps L (avg = the window sum divided by its count of
// non-padding elements); their four rules come from L and Lᵀ (linearOp, src/ops/linear.ts).
// Max pooling selects one input per output (the window's first maximum; a NaN in the window wins,
// so the output is NaN as in JAX). With S that recorded selection:
//   forward y = S x,  JVP ẏ = S ẋ,  VJP x̄ += Sᵀ ȳ,  JVP-of-VJP ẋ̄ += Sᵀ ẏ̄  (its second derivative is 0).
import { allocF32 } from '../wasm/arena.js';
import { core } from '../wasm/instance.js';
import { cotangent, cotangentTangent, Tracer } from '../autodiff/trace.js';
import { linearOp } from './linear.js';
import { checkNHWC, outputShape, positivePair, windowGeometry, writeWindow, type WindowOptions } from './window.js';

function poolGeometry(op: string, x: Tracer, window: number | readonly [number, number], options?: WindowOptions) {
  checkNHWC(x.shape, op);
  const g = windowGeometry(op, x.shape, positivePair(window, 'window', op), x.shape[3], options);
  return { shape: outputShape(g), geometry: writeWindow(g) };
}

function sumOrAverage(op: string, average: number, x: Tracer, window: number | readonly [number, number], options?: WindowOptions): Tracer {
  const { shape, geometry } = poolGeometry(op, x, window, options);
  return linearOp(
    x,
    shape,
    (src, dst) => core.sumPool(src, dst, geometry, average),
    (src, dst) => core.sumPoolTranspose(src, dst, geometry, average), // always adds into dst
  );
}

/** The sum over each window (stax's SumPool). */
export const sumPool = (x: Tracer, window: number | readonly [number, number], options?: WindowOptions): Tracer =>
  sumOrAverage('sumPool', 0, x, window, options);

/** The mean over each window's non-padding elements (stax's AvgPool). */
export const avgPool = (x: Tracer, window: number | readonly [number, number], options?: WindowOptions): Tracer =>
  sumOrAverage('avgPool', 1, x, window, options);

/** The maximum over each window (stax's MaxPool); derivatives go to the window's first maximum. */
export function maxPool(x: Tracer, window: number | readonly [number, number], options?: WindowOptions): Tracer {
  const { shape, geometry } = poolGeometry('maxPool', x, window, options);
  const t = x.trace;
  const y = t.value(shape, x.dep);
  const selected = allocF32(y.size); // i32 flat indices into x, -1 for a window on padding only
  core.maxPool(x.primal, y.primal, selected, geometry);
  if (!y.dep) return y;
  if (t.withTangents) core.gatherAt(x.tangent, selected, y.tangent, y.size);
  t.onBackward(y, () => {
    // the sources in runs of one image each: an image's windows select only its own inputs
    const images = x.shape[0];
    const perImage = images > 0 ? y.size / images : 0;
    core.scatterAddRuns(y.ct, selected, cotangent(x), images, perImage);
    if (y.ctDot) core.scatterAddRuns(y.ctDot, selected, cotangentTangent(x), images, perImage);
  });
  return y;
}
