// Unary elementwise ops. Each kernel pair in assembly/ops/unary.ts gives f, f' and f''; this one
// rule turns them into all four autodiff rules:
//   forward y = f(x)
//   JVP          ẏ  = f'(x)·ẋ
//   VJP          x̄ += f'(x)·ȳ
//   JVP-of-VJP   ẋ̄ += f'(x)·ẏ̄ + f''(x)·ẋ·ȳ
import { allocF32 } from '../wasm/arena.js';
import { core } from '../wasm/instance.js';
import { cotangent, cotangentTangent, Tracer } from '../autodiff/trace.js';

/** A unary op's kernel pair in the wasm core. */
interface UnaryKernels {
  /** y = f(x) */
  forward: (x: number, y: number, n: number) => void;
  /** d1 = f'(x) and, when d2 ≠ 0, d2 = f''(x) (given y = f(x), which some derivatives reuse) */
  derivatives: (x: number, y: number, d1: number, d2: number, n: number) => void;
  /** false when f'' is zero everywhere it exists (relu): the term is skipped, giving exact zeros */
  hasSecondDerivative: boolean;
}

function unary(x: Tracer, k: UnaryKernels): Tracer {
  const t = x.trace;
  const n = x.size;
  const y = t.value(x.shape, x.dep);
  k.forward(x.primal, y.primal, n);
  if (!y.dep) return y;
  const d1 = allocF32(n);
  const d2 = t.withTangents && k.hasSecondDerivative ? allocF32(n) : 0;
  k.derivatives(x.primal, y.primal, d1, d2, n);
  if (t.withTangents) core.mul(d1, x.tangent, y.tangent, n);
  t.onBackward(y, () => {
    core.mulAddInto(cotangent(x), d1, y.ct, n);
    if (!t.withTangents) return;
    if (y.ctDot) core.mulAddInto(cotangentTangent(x), d1, y.ctDot, n);
    if (d2) core.mulMulAddInto(cotangentTangent(x), d2, x.tangent, y.ct, n);
  });
  return y;
}

const op = (forward: UnaryKernels['forward'], derivatives: UnaryKernels['derivatives'], hasSecondDerivative = true) =>
  (x: Tracer) => unary(x, { forward, derivatives, hasSecondDerivative });

export const square = op(core.squareForward, core.squareDerivatives);
export const sqrt = op(core.sqrtForward, core.sqrtDerivatives);
export const exp = op(core.expForward, core.expDerivatives);
export const log = op(core.logForward, core.logDerivatives);
export const tanh = op(core.tanhForward, core.tanhDerivatives);
export const relu = op(core.reluForward, core.reluDerivatives, false);
export const sigmoid = op(core.sigmoidForward, core.sigmoidDerivatives);
export const softplus = op(core.softplusForward, core.softplusDerivatives);
export const gelu = op(core.geluForward, core.geluDerivatives);
