// 2-D convolution, JAX's lax.conv_general_dilated with ('NHWC', 'HWIO', 'NHWC'): x [N, H, W, C],
// kernel [kH, kW, C, O], y [N, outH, outW, O]. It is bilinear in (x, K), like matmul:
//   forward     y = conv(x, K)
//   JVP         ẏ = conv(ẋ, K) + conv(x, K̇)
//   VJP         x̄ += convᵀ(ȳ, K),  K̄ += corr(x, ȳ)
//   JVP-of-VJP  ẋ̄ += convᵀ(ẏ̄, K) + convᵀ(ȳ, K̇),  K̄̇ += corr(x, ẏ̄) + corr(ẋ, ȳ)
// convᵀ is the input gradient (a transposed convolution) and corr the kernel gradient
// (src/kernels/conv.ts). Terms with a constant factor are skipped: a first layer (x constant)
// computes no x̄ at all.
import { formatShape } from '../tensor.js';
import { contributionSlot, cotangent, cotangentTangent, Tracer } from '../autodiff/trace.js';
import { convInputGradInto, convInto, convKernelGradInto } from '../kernels/conv.js';
import { checkNHWC, outputShape, windowGeometry, writeWindow, type WindowOptions } from './window.js';

export function conv2d(x: Tracer, k: Tracer, options?: WindowOptions): Tracer {
  const op = 'conv2d';
  checkNHWC(x.shape, op);
  if (k.shape.length !== 4) {
    throw new RangeError(`${op}: kernel must be 4-D [height, width, in, out] (HWIO), got shape ${formatShape(k.shape)}`);
  }
  const [kH, kW, kIn, outC] = k.shape;
  if (kIn !== x.shape[3]) {
    throw new RangeError(
      `${op}: kernel ${formatShape(k.shape)} takes ${kIn} input channels but the input ${formatShape(x.shape)} ` +
        `has ${x.shape[3]} (NHWC input, HWIO kernel)`,
    );
  }
  const g = windowGeometry(op, x.shape, [kH, kW], outC, options);
  const t = x.trace;
  const y = t.value(outputShape(g), x.dep || k.dep);
  const geometry = writeWindow(g);
  convInto(x.primal, k.primal, y.primal, geometry);
  if (!y.dep) return y;

  if (t.withTangents) {
    // ẏ = conv(ẋ, K) + conv(x, K̇): the first term written, the second accumulated
    if (x.dep) convInto(x.tangent, k.primal, y.tangent, geometry);
    if (k.dep) convInto(x.primal, k.tangent, y.tangent, geometry, { accumulate: x.dep });
  }

  t.onBackward(y, () => {
    const tangents = t.withTangents;
    if (x.dep) {
      convInputGradInto(y.ct, k.primal, cotangent(x), geometry);
      if (tangents && y.ctDot) convInputGradInto(y.ctDot, k.primal, cotangentTangent(x), geometry);
      if (tangents && k.dep) convInputGradInto(y.ct, k.tangent, cotangentTangent(x), geometry);
    }
    if (k.dep) {
      // the first contribution writes into a fresh slot (contributionSlot), the rest accumulate
      const kBar = (xv: number, g: number, tangent: boolean) => {
        const [dst, accumulate] = contributionSlot(k, tangent);
        convKernelGradInto(xv, g, dst, geometry, { accumulate });
      };
      kBar(x.primal, y.ct, false);
      if (tangents && y.ctDot) kBar(x.primal, y.ctDot, true);
      if (tangents && x.dep) kBar(x.tangent, y.ct, true);
    }
  });
  return y;
}
