// Unary elementwise ops. Each kernel pair in assembly/ops/unary.ts gives f, f' and f''; this one
// rule turns them into all four autodiff rules:
//   forward y = f(x)
//   JVP          ẏ  = f'(x)·ẋ
//   VJP          x̄ += f'(x)·ȳ
//   JVP-of-VJP   ẋ̄ += f'(x)·ẏ̄ + f''(x)·ẋ·ȳ
import { allocF32 } from '../wasm/arena.js';
import { core } from '../wasm/instance.js';
import { cotangent, cotangentTangent, Tracer } from '../autodiff/trace.js';

interface UnaryKernels {
  /** kernel name prefix in the wasm core: `<name>Forward`, `<name>Derivatives` */
  name: string;
  /** false when f'' is zero everywhere it exists (relu): the term is skipped, giving exact zeros */
  hasSecondDerivative: boolean;
}

function unary(x: Tracer, k: UnaryKernels): Tracer {
  const t = x.trace;
  const n = x.size;
  const y = t.value(x.shape, x.dep);
  core[`${k.name}Forward`](x.primal, y.primal, n);
  if (!y.dep) return y;
  const d1 = allocF32(n);
  const d2 = t.withTangents && k.hasSecondDerivative ? allocF32(n) : 0;
  core[`${k.name}Derivatives`](x.primal, y.primal, d1, d2, n);
  if (t.withTangents) core.mul(d1, x.tangent, y.tangent, n);
  t.onBackward(y, () => {
    core.mulAddInto(cotangent(x), d1, y.ct, n);
    if (!t.withTangents) return;
    if (y.ctDot) core.mulAddInto(cotangentTangent(x), d1, y.ctDot, n);
    if (d2) core.mulMulAddInto(cotangentTangent(x), d2, x.tangent, y.ct, n);
  });
  return y;
}

const op = (name: string, hasSecondDerivative = true) => (x: Tracer) => unary(x, { name, hasSecondDerivative });

export const square = op('square');
export const sqrt = op('sqrt');
export const exp = op('exp');
export const log = op('log');
export const tanh = op('tanh');
export const relu = op('relu', false);
export const sigmoid = op('sigmoid');
export const softplus = op('softplus');
export const gelu = op('gelu');
