// The finite-difference check every differentiable op gets: a function written once is run on
// L = np+nn (float32, exact autodiff) and on L = the float64 reference (tests/helpers/reference.ts);
// its gradient and Hessian-vector product must match central differences of the reference.
import assert from 'node:assert/strict';
import { np, nn, tensor, hvp, valueAndGrad, Tensor } from '../../src/index.js';
import { lcgFloats } from './lcg.js';
import * as R from './reference.js';

const LIB = { ...np, ...nn };
const REF = R;

/** Deterministic float32 test data in [lo, hi) (see lcg.ts), as plain numbers. */
export function data(n: number, seed: number, lo = -1, hi = 1): number[] {
  return Array.from(lcgFloats(seed * 7919 + 17, n, lo, hi));
}

export interface Case {
  name: string;
  shapes: number[][];
  /** input range: positive for log/sqrt, away from kinks for relu/max */
  range?: [number, number];
  f: (L: any, xs: any[], c: (values: number[] | null, shape: number[]) => any) => any;
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

export function check(c: Case): void {
  const [lo, hi] = c.range ?? [-1, 1];
  const values = c.shapes.map((s, i) => data(size(s), i + 1, lo, hi));
  const direction = c.shapes.map((s, i) => data(size(s), 100 + i));
  // constants: the same numbers for both libraries
  let constSeed = 1000;
  const libConst = (v: number[], s: number[]) => tensor(v, s);
  const refConst = (v: number[], s: number[]) => R.ref(v, s);
  const consts: { v: number[]; s: number[] }[] = [];
  const makeConst = (mk: (v: number[], s: number[]) => any) => {
    let k = 0;
    return (v: number[] | null, s: number[]) => {
      if (!consts[k]) consts[k] = { v: v ?? data(size(s), constSeed++), s };
      const cc = consts[k++];
      return mk(cc.v, cc.s);
    };
  };

  const fLib = (xs: Tensor[]) => c.f(LIB, xs, makeConst(libConst) as any);
  const params = values.map((v, i) => tensor(v, c.shapes[i]));
  const v = direction.map((d, i) => tensor(d, c.shapes[i]));
  const [g, hv] = hvp(fLib, [params], v) as [Tensor[], Tensor[]];
  const [value, g2] = valueAndGrad(fLib)(params) as [Tensor, Tensor[]];
  g.forEach((gi, i) => assert.deepEqual(gi.data, g2[i].data, `${c.name}: hvp's gradient = valueAndGrad's`));

  // float64 reference and its central differences
  const flat = values.flat();
  const unflat = (theta: number[]) => {
    let o = 0;
    return c.shapes.map((s) => R.ref(theta.slice(o, (o += size(s))), s));
  };
  const fRef = (theta: number[]) => {
    const out = c.f(REF, unflat(theta), makeConst(refConst) as any) as R.Ref;
    assert.equal(out.shape.length, 0, `${c.name}: reference output is a scalar`);
    return out.data[0];
  };
  const vFlat = direction.flat();
  const h = 1e-4;
  const eps = 1e-4;
  const shifted = (i: number, si: number, sv: number) =>
    fRef(flat.map((t, j) => t + (j === i ? si * h : 0) + sv * eps * vFlat[j]));
  const gradFd = flat.map((_, i) => (shifted(i, 1, 0) - shifted(i, -1, 0)) / (2 * h));
  const hvFd = flat.map(
    (_, i) => (shifted(i, 1, 1) - shifted(i, 1, -1) - shifted(i, -1, 1) + shifted(i, -1, -1)) / (4 * h * eps),
  );

  const close = (got: number[], want: number[], what: string) => {
    const scale = Math.max(...want.map(Math.abs), 1e-6);
    const err = Math.max(...got.map((x, i) => Math.abs(x - want[i])));
    assert.ok(err / scale <= 1e-3, `${c.name}: ${what} relative error ${(err / scale).toExponential(2)} > 1e-3`);
  };
  assert.ok(Math.abs(value.item() - fRef(flat)) <= 1e-4 * Math.max(1, Math.abs(fRef(flat))), `${c.name}: value`);
  close(g.flatMap((t) => Array.from(t.data)), gradFd, 'gradient');
  close(hv.flatMap((t) => Array.from(t.data)), hvFd, 'Hessian-vector product');
}

