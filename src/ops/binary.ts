// Binary elementwise ops with numpy broadcasting. Operands are first broadcast to the common shape
// (broadcastTo is itself a traced linear op, so its transpose — a sum — handles the reverse), then
// each op's rules work on equal shapes. For z = f(a, b):
//   JVP ż = f_a·ȧ + f_b·ḃ;  VJP ā += f_a·z̄, b̄ += f_b·z̄;
//   JVP-of-VJP  ā̇ += f_a·ż̄ + (f_aa·ȧ + f_ab·ḃ)·z̄  (and likewise for b).
// Terms whose factors are zero (a constant operand, f_aa = 0, ...) are skipped.
import { allocF32 } from '../wasm/arena.js';
import { core } from '../wasm/instance.js';
import { cotangent, cotangentTangent, Tracer } from '../autodiff/trace.js';
import { broadcastShapes } from './axes.js';
import { broadcastTo } from './linear.js';

function operands(a: Tracer, b: Tracer, op: string): [Tracer, Tracer, Tracer] {
  const shape = broadcastShapes(a.shape, b.shape, op);
  const x = broadcastTo(a, shape);
  const y = broadcastTo(b, shape);
  const z = x.trace.value(shape, x.dep || y.dep);
  return [x, y, z];
}

/** z = a + b (sign = 1) or a - b (sign = -1): linear in both operands. */
function addOrSubtract(a: Tracer, b: Tracer, sign: 1 | -1, op: string): Tracer {
  const [x, y, z] = operands(a, b, op);
  const n = z.size;
  if (sign === 1) core.add(x.primal, y.primal, z.primal, n);
  else core.sub(x.primal, y.primal, z.primal, n);
  if (!z.dep) return z;
  const t = z.trace;
  if (t.withTangents) {
    if (x.dep && y.dep) (sign === 1 ? core.add : core.sub)(x.tangent, y.tangent, z.tangent, n);
    else if (x.dep) core.copyInto(x.tangent, z.tangent, n, false);
    else core.scale(y.tangent, sign, z.tangent, n);
  }
  t.onBackward(z, () => {
    for (const [v, s] of [[x, 1], [y, sign]] as const) {
      if (!v.dep) continue;
      core.scaleAddInto(cotangent(v), z.ct, s, n);
      if (z.ctDot) core.scaleAddInto(cotangentTangent(v), z.ctDot, s, n);
    }
  });
  return z;
}

export const add = (a: Tracer, b: Tracer) => addOrSubtract(a, b, 1, 'add');
export const subtract = (a: Tracer, b: Tracer) => addOrSubtract(a, b, -1, 'subtract');

/** z = a·b: f_a = b, f_b = a, f_ab = 1. */
export function multiply(a: Tracer, b: Tracer): Tracer {
  const [x, y, z] = operands(a, b, 'multiply');
  const n = z.size;
  core.mul(x.primal, y.primal, z.primal, n);
  if (!z.dep) return z;
  const t = z.trace;
  if (t.withTangents) {
    core.zero(z.tangent, n);
    if (x.dep) core.mulAddInto(z.tangent, x.tangent, y.primal, n);
    if (y.dep) core.mulAddInto(z.tangent, x.primal, y.tangent, n);
  }
  t.onBackward(z, () => {
    // ā += z̄·b ; ā̇ += ż̄·b + z̄·ḃ   (and symmetrically for b)
    for (const [v, other] of [[x, y], [y, x]]) {
      if (!v.dep) continue;
      core.mulAddInto(cotangent(v), z.ct, other.primal, n);
      if (!t.withTangents) continue;
      if (z.ctDot) core.mulAddInto(cotangentTangent(v), z.ctDot, other.primal, n);
      if (other.dep) core.mulAddInto(cotangentTangent(v), z.ct, other.tangent, n);
    }
  });
  return z;
}

/**
 * z = a / b, with r = 1/b: f_a = r, f_b = -z·r, f_aa = 0, f_ab = -r², f_bb = 2z·r².
 */
export function divide(a: Tracer, b: Tracer): Tracer {
  const [x, y, z] = operands(a, b, 'divide');
  const n = z.size;
  core.div(x.primal, y.primal, z.primal, n);
  if (!z.dep) return z;
  const t = z.trace;
  const r = allocF32(n); // 1/b
  core.fill(r, 1, n);
  core.div(r, y.primal, r, n);
  const fb = allocF32(n); // ∂z/∂b = -z/b
  core.mul(z.primal, r, fb, n);
  core.scale(fb, -1, fb, n);
  if (t.withTangents) {
    // ż = r·ȧ + f_b·ḃ
    core.zero(z.tangent, n);
    if (x.dep) core.mulAddInto(z.tangent, r, x.tangent, n);
    if (y.dep) core.mulAddInto(z.tangent, fb, y.tangent, n);
  }
  t.onBackward(z, () => {
    if (x.dep) {
      core.mulAddInto(cotangent(x), r, z.ct, n);
      if (t.withTangents) {
        const g = cotangentTangent(x);
        if (z.ctDot) core.mulAddInto(g, r, z.ctDot, n);
        // + f_ab·ḃ·z̄ = -r²·ḃ·z̄ = (f_b/z)... computed as -(r·ḃ)·(r·z̄)
        if (y.dep) {
          const tmp = allocF32(n);
          core.mul(r, y.tangent, tmp, n);
          core.scale(tmp, -1, tmp, n);
          core.mulMulAddInto(g, tmp, r, z.ct, n);
        }
      }
    }
    if (y.dep) {
      core.mulAddInto(cotangent(y), fb, z.ct, n);
      if (t.withTangents) {
        const g = cotangentTangent(y);
        if (z.ctDot) core.mulAddInto(g, fb, z.ctDot, n);
        // + (f_ab·ȧ + f_bb·ḃ)·z̄ = r·(-r·ȧ + 2z·r·ḃ)·z̄ = r·(2·z·ḃ - ȧ)·r·z̄
        const inner = allocF32(n);
        core.mul(z.primal, y.tangent, inner, n);
        core.scale(inner, 2, inner, n);
        if (x.dep) core.scaleAddInto(inner, x.tangent, -1, n);
        core.mul(inner, r, inner, n);
        core.mulMulAddInto(g, inner, r, z.ct, n);
      }
    }
  });
  return z;
}
