// Dense layers and matrix products. y = x·w (+ b) with x [m, k], w [k, n], b [n]:
//   forward  y = x·w + b                         (one fused kernel: bias in the epilogue)
//   JVP      ẏ = ẋ·w + x·ẇ + ḃ
//   VJP      x̄ += ȳ·wᵀ,  w̄ += xᵀ·ȳ,  b̄ += Σ_rows ȳ
//   JVP-of-VJP  ẋ̄ += ẏ̄·wᵀ + ȳ·ẇᵀ,  ẇ̄ += ẋᵀ·ȳ + xᵀ·ẏ̄,  ḃ̄ += Σ_rows ẏ̄
// Terms with a constant factor are skipped: a first layer (x constant) computes no x̄ at all.
import { formatShape } from '../tensor.js';
import { core } from '../wasm/instance.js';
import { matmulInto } from '../kernels/matmul.js';
import { contributionSlot, Tracer } from '../autodiff/trace.js';
import { reshape } from './linear.js';

export function dense(x: Tracer, w: Tracer, b: Tracer | null, op = 'dense'): Tracer {
  if (x.shape.length !== 2 || w.shape.length !== 2 || x.shape[1] !== w.shape[0]) {
    throw new RangeError(
      `${op}: shapes ${formatShape(x.shape)} and ${formatShape(w.shape)} do not align ` +
        '(expected [m, k] and [k, n])',
    );
  }
  const [m, k] = x.shape;
  const n = w.shape[1];
  if (b && (b.shape.length !== 1 || b.shape[0] !== n)) {
    throw new RangeError(`${op}: bias shape ${formatShape(b.shape)} does not match ${n} output units (expected [${n}])`);
  }
  const t = x.trace;
  const y = t.value([m, n], x.dep || w.dep || (b?.dep ?? false));
  matmulInto(x.primal, w.primal, y.primal, m, k, n, { bias: b?.primal });
  if (!y.dep) return y;

  if (t.withTangents) {
    // ẏ = ẋ·w + x·ẇ + ḃ: the first term written (with ḃ as its bias), the rest accumulated
    let written = false;
    const bias = b?.dep ? b.tangent : undefined;
    if (x.dep) {
      matmulInto(x.tangent, w.primal, y.tangent, m, k, n, { bias });
      written = true;
    }
    if (w.dep) {
      matmulInto(x.primal, w.tangent, y.tangent, m, k, n, { accumulate: written, bias: written ? undefined : bias });
      written = true;
    }
    if (!written) core.broadcastAxis(bias!, y.tangent, 1, m, n, false); // only b depends: ẏ = ḃ per row
  }

  t.onBackward(y, () => {
    const tangents = t.withTangents;
    // each term goes into contributionSlot: the first write skips zero-filling the cotangent
    const into = (v: Tracer, tangent: boolean, term: (dst: number, accumulate: boolean) => void) => {
      const [dst, accumulate] = contributionSlot(v, tangent);
      term(dst, accumulate);
    };
    if (x.dep) {
      const xBar = (g: number, wv: number) => (dst: number, accumulate: boolean) =>
        matmulInto(g, wv, dst, m, n, k, { transB: true, accumulate });
      into(x, false, xBar(y.ct, w.primal));
      if (tangents && y.ctDot) into(x, true, xBar(y.ctDot, w.primal));
      if (tangents && w.dep) into(x, true, xBar(y.ct, w.tangent));
    }
    if (w.dep) {
      const wBar = (xv: number, g: number) => (dst: number, accumulate: boolean) =>
        matmulInto(xv, g, dst, k, m, n, { transA: true, accumulate });
      into(w, false, wBar(x.primal, y.ct));
      if (tangents && x.dep) into(w, true, wBar(x.tangent, y.ct));
      if (tangents && y.ctDot) into(w, true, wBar(x.primal, y.ctDot));
    }
    if (b?.dep) {
      const bBar = (g: number) => (dst: number, accumulate: boolean) => core.sumAxis(g, dst, 1, m, n, accumulate);
      into(b, false, bBar(y.ct));
      if (tangents && y.ctDot) into(b, true, bBar(y.ctDot));
    }
  });
  return y;
}

/** numpy matmul / dot for 1-D and 2-D operands (a 1-D operand is a row or column vector). */
export function matmul(a: Tracer, b: Tracer, op = 'matmul'): Tracer {
  if (a.shape.length === 0 || b.shape.length === 0 || a.shape.length > 2 || b.shape.length > 2) {
    throw new RangeError(
      `${op}: supports 1-D and 2-D operands, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
  const aVector = a.shape.length === 1;
  const bVector = b.shape.length === 1;
  const a2 = aVector ? reshape(a, [1, a.shape[0]]) : a;
  const b2 = bVector ? reshape(b, [b.shape[0], 1]) : b;
  if (a2.shape[1] !== b2.shape[0]) {
    throw new RangeError(
      `${op}: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} do not align ` +
        `(${a2.shape[1]} ≠ ${b2.shape[0]})`,
    );
  }
  const y = dense(a2, b2, null, op);
  const shape = [...(aVector ? [] : [a2.shape[0]]), ...(bVector ? [] : [b2.shape[1]])];
  return aVector || bVector ? reshape(y, shape) : y;
}
