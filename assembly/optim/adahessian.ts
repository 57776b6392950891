// The fused AdaHessian step for one leaf of n floats, one pass over memory; it reads the old
// x, m, v and writes the new ones to their own addresses (the same addresses: in place):
//
//   m = b1 m + (1 - b1) g
//   v = b2 v + (1 - b2) D²                       (kept as it is when there is no D this step)
//   x = x - stepSize * ( (m / (1 - b1^t)) / ( sqrt(v / (1 - b2^t))^k + eps ) + weightDecay x )
//
// D is the spatially averaged |Hessian diagonal|: adahessianStep takes it broadcast to the leaf's n
// floats (with no averaging it is the raw Hessian h itself, since D² = h²); adahessianStepRows
// takes the means themselves (spatialMeanAbs) and reads each one where it applies, which saves
// writing and reading the broadcast copy. Both do the same float32 operations on every element
// with the same D, so they give the same bits. The scalar constants are rounded to float32 once
// per call.
import { at, biasCorrection, flagNonFinite, flagNonFiniteScalar, sawNonFinite } from './lanes';

// sqrt(vhat)^k: k = 1 (the default) and k = 0.5 are exact square roots and SIMD-friendly;
// k = 0 is 1 (as pow(s, 0)); any other k goes through Mathf.pow lane by lane. Mathf.pow itself
// returns these same values for k = 1, 0.5 and 0, so the fast paths change no bits.
const POWER_ONE = 0;
const POWER_HALF = 1;
const POWER_ZERO = 2;
const POWER_GENERAL = 3;

function powerMode(k: f64): i32 {
  if (k == 1) return POWER_ONE;
  if (k == 0.5) return POWER_HALF;
  if (k == 0) return POWER_ZERO;
  return POWER_GENERAL;
}

// @ts-ignore: decorator
@inline function rootPower(s: f32, mode: i32, k: f32): f32 {
  if (mode == POWER_ONE) return s;
  if (mode == POWER_HALF) return Mathf.sqrt(s);
  if (mode == POWER_ZERO) return 1;
  return Mathf.pow(s, k);
}

// @ts-ignore: decorator
@inline function rootPowerVec(s: v128, mode: i32, k: f32): v128 {
  if (mode == POWER_ONE) return s;
  if (mode == POWER_HALF) return f32x4.sqrt(s);
  if (mode == POWER_ZERO) return f32x4.splat(1);
  let r = f32x4.splat(Mathf.pow(f32x4.extract_lane(s, 0), k));
  r = f32x4.replace_lane(r, 1, Mathf.pow(f32x4.extract_lane(s, 1), k));
  r = f32x4.replace_lane(r, 2, Mathf.pow(f32x4.extract_lane(s, 2), k));
  r = f32x4.replace_lane(r, 3, Mathf.pow(f32x4.extract_lane(s, 3), k));
  return r;
}

// D for a span: one float per element at an address, one value for the whole span, or none.
const D_EACH = 0;
const D_ONE = 1;
const D_NONE = 2;

/**
 * The step over one span of n floats, with the call's float32 constants; D per `dMode`: the
 * floats at `d`, the value `dOne` for every element, or none (v kept). Returns 1 when anything it
 * flags is not finite.
 */
// @ts-ignore: decorator
@inline function stepSpan(
  x: usize, m: usize, v: usize, g: usize, d: usize, dOne: f32, dMode: i32,
  xOut: usize, mOut: usize, vOut: usize, n: i32,
  B1: f32, C1: f32, B2: f32, C2: f32, BC1: f32, BC2: f32, LR: f32, EPS: f32, WD: f32, mode: i32, k: f32,
): i32 {
  const vB1 = f32x4.splat(B1), vC1 = f32x4.splat(C1);
  const vB2 = f32x4.splat(B2), vC2 = f32x4.splat(C2);
  const vBC1 = f32x4.splat(BC1), vBC2 = f32x4.splat(BC2);
  const vLR = f32x4.splat(LR), vEPS = f32x4.splat(EPS), vWD = f32x4.splat(WD);
  const vDOne = f32x4.splat(dOne);
  let flags = f32x4.splat(0);
  let flag: f32 = 0;
  // one D for the whole span: checked once here, not per element
  if (dMode == D_ONE && n > 0) flag = flagNonFiniteScalar(flag, dOne);

  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const gi = v128.load(at(g, i));
    flags = flagNonFinite(flags, gi);
    const mi = f32x4.add(f32x4.mul(vB1, v128.load(at(m, i))), f32x4.mul(vC1, gi));
    let vi = v128.load(at(v, i));
    if (dMode != D_NONE) {
      const di = dMode == D_EACH ? v128.load(at(d, i)) : vDOne;
      if (dMode == D_EACH) flags = flagNonFinite(flags, di);
      vi = f32x4.add(f32x4.mul(vB2, vi), f32x4.mul(vC2, f32x4.mul(di, di)));
    }
    const mhat = f32x4.div(mi, vBC1);
    const denom = f32x4.add(rootPowerVec(f32x4.sqrt(f32x4.div(vi, vBC2)), mode, k), vEPS);
    const xi = v128.load(at(x, i));
    const delta = f32x4.add(f32x4.div(mhat, denom), f32x4.mul(vWD, xi));
    const xNew = f32x4.sub(xi, f32x4.mul(vLR, delta));
    flags = flagNonFinite(flagNonFinite(flags, xNew), vi);
    v128.store(at(xOut, i), xNew);
    v128.store(at(mOut, i), mi);
    v128.store(at(vOut, i), vi);
  }

  for (; i < n; i++) {
    const gi = load<f32>(at(g, i));
    flag = flagNonFiniteScalar(flag, gi);
    const mi = B1 * load<f32>(at(m, i)) + C1 * gi;
    let vi = load<f32>(at(v, i));
    if (dMode != D_NONE) {
      const di = dMode == D_EACH ? load<f32>(at(d, i)) : dOne;
      if (dMode == D_EACH) flag = flagNonFiniteScalar(flag, di);
      vi = B2 * vi + C2 * (di * di);
    }
    const mhat = mi / BC1;
    const denom = rootPower(Mathf.sqrt(vi / BC2), mode, k) + EPS;
    const xi = load<f32>(at(x, i));
    const delta = mhat / denom + WD * xi;
    const xNew = xi - LR * delta;
    flag = flagNonFiniteScalar(flagNonFiniteScalar(flag, xNew), vi);
    store<f32>(at(xOut, i), xNew);
    store<f32>(at(mOut, i), mi);
    store<f32>(at(vOut, i), vi);
  }
  return sawNonFinite(flags, flag);
}

/**
 * One AdaHessian step over the n floats at x (parameters), m and v (moments), g (gradient) and
 * d (D, see above), writing the new x, m and v to xOut, mOut and vOut (which may equal x, m, v:
 * each element is read before it is written). `d = 0` means no Hessian this step (a delayed
 * Hessian): vOut gets v as it is and the step still uses it. `step` is t = i + 1 (1 on the first
 * update). Returns 1 when g or d held NaN or ±Inf, or the new x or v is not finite (a NaN
 * parameter, or float32 overflow: v = +Inf would freeze the parameter for good); the host then
 * discards the outputs. Else 0.
 */
export function adahessianStep(
  x: usize,
  m: usize,
  v: usize,
  g: usize,
  d: usize,
  xOut: usize,
  mOut: usize,
  vOut: usize,
  n: i32,
  step: f64,
  stepSize: f64,
  b1: f64,
  b2: f64,
  eps: f64,
  weightDecay: f64,
  hessianPower: f64,
): i32 {
  // D per element is the [1, 1, n] case of the rows form: one run of n floats with their own D
  return stepRows(x, m, v, g, d, xOut, mOut, vOut, 1, 1, n, step, stepSize, b1, b2, eps, weightDecay, hessianPower);
}

/**
 * adahessianStep for a leaf of shape [outer, len, inner] whose D averages over the len axis:
 * `means` holds spatialMeanAbs's outer × inner means (0: no Hessian, as above), and element
 * (o, j, i) takes D = means[o, i]. The same bits as adahessianStep on the broadcast D.
 * `hyper` holds adahessianStep's last seven arguments as float64, in order (step, stepSize, b1,
 * b2, eps, weightDecay, hessianPower): in memory, since a call to a worker takes 16 arguments.
 */
export function adahessianStepRows(
  x: usize, m: usize, v: usize, g: usize, means: usize, xOut: usize, mOut: usize, vOut: usize,
  outer: i32, len: i32, inner: i32, hyper: usize,
): i32 {
  return stepRows(
    x, m, v, g, means, xOut, mOut, vOut, outer, len, inner,
    load<f64>(hyper), load<f64>(hyper, 8), load<f64>(hyper, 16), load<f64>(hyper, 24),
    load<f64>(hyper, 32), load<f64>(hyper, 40), load<f64>(hyper, 48),
  );
}

/** The step over [outer, len, inner] with D per row of means (see adahessianStepRows). */
function stepRows(
  x: usize, m: usize, v: usize, g: usize, means: usize, xOut: usize, mOut: usize, vOut: usize,
  outer: i32, len: i32, inner: i32,
  step: f64, stepSize: f64, b1: f64, b2: f64, eps: f64, weightDecay: f64, hessianPower: f64,
): i32 {
  const mode = powerMode(hessianPower);
  const k = <f32>hessianPower;
  const B1 = <f32>b1, C1 = <f32>(1.0 - b1);
  const B2 = <f32>b2, C2 = <f32>(1.0 - b2);
  const BC1 = biasCorrection(b1, step), BC2 = biasCorrection(b2, step);
  const LR = <f32>stepSize, EPS = <f32>eps, WD = <f32>weightDecay;
  const hasD = means != 0;
  let flagged = 0;
  for (let o = 0; o < outer; o++) {
    if (inner == 1) {
      // a row of len floats, one D
      const r = o * len;
      const dOne: f32 = hasD ? load<f32>(at(means, o)) : 0;
      flagged |= stepSpan(
        at(x, r), at(m, r), at(v, r), at(g, r), 0, dOne, hasD ? D_ONE : D_NONE, at(xOut, r), at(mOut, r), at(vOut, r), len,
        B1, C1, B2, C2, BC1, BC2, LR, EPS, WD, mode, k,
      );
    } else {
      // len runs of inner floats, each with the row's inner means
      const d = hasD ? at(means, o * inner) : 0;
      for (let j = 0; j < len; j++) {
        const r = (o * len + j) * inner;
        flagged |= stepSpan(
          at(x, r), at(m, r), at(v, r), at(g, r), d, 0, hasD ? D_EACH : D_NONE, at(xOut, r), at(mOut, r), at(vOut, r), inner,
          B1, C1, B2, C2, BC1, BC2, LR, EPS, WD, mode, k,
        );
      }
    }
  }
  return flagged;
}
