// Kernels of assembly/optim: known answers worked out by hand, the scalar tail giving the same
// bits as the f32x4 body, the non-finite flag, and out-of-place steps giving the in-place bits.
import {
  adahessianStep,
  adahessianStepRows,
  adamStep,
  momentumStep,
  optimPow,
  rmspropStep,
  sgdStep,
  spatialMeanAbs,
} from '../optim/index';
import { broadcastAxis } from '../ops/reduce';

/** A fresh block of memory holding `values` (never freed: tests are short). */
function floats(values: f32[]): usize {
  const p = heap.alloc(<usize>values.length << 2);
  for (let i = 0; i < values.length; i++) store<f32>(p + (<usize>i << 2), values[i]);
  return p;
}
function zerosAt(n: i32): usize {
  const p = heap.alloc(<usize>n << 2);
  memory.fill(p, 0, <usize>n << 2);
  return p;
}
function get(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}
function bits(p: usize, i: i32): u32 {
  return load<u32>(p + (<usize>i << 2));
}

function copyOf(p: usize, n: i32): usize {
  const q = heap.alloc(<usize>n << 2);
  memory.copy(q, p, <usize>n << 2);
  return q;
}
function expectSameBits(a: usize, b: usize, n: i32, what: string): void {
  for (let i = 0; i < n; i++) expect<u32>(bits(a, i)).toBe(bits(b, i), what);
}

// Seven values whose first three repeat at indices 4..6: lanes 0-2 of the f32x4 body and the
// scalar tail see the same inputs, so their outputs must have the same bits.
function tailTwin(a: f32, b: f32, c: f32, d: f32): usize {
  return floats([a, b, c, d, a, b, c]);
}
function expectTailMatchesBody(p: usize, what: string): void {
  for (let i = 0; i < 3; i++) expect<u32>(bits(p, 4 + i)).toBe(bits(p, i), what);
}

describe('adahessianStep', () => {
  it('takes the hand-computed first step', () => {
    // m = 0.1·0.5 = 0.05, v = 0.001·2² = 0.004; mhat = 0.05/0.1 = 0.5, vhat = 0.004/0.001 = 4;
    // x = 1 - 0.1·(0.5 / (√4 + 0)) = 0.975
    const x = floats([1]), m = zerosAt(1), v = zerosAt(1), g = floats([0.5]), d = floats([2]);
    expect<i32>(adahessianStep(x, m, v, g, d, x, m, v, 1, 1, 0.1, 0.9, 0.999, 0, 0, 1)).toBe(0);
    expect<f32>(get(x, 0)).toBeCloseTo(0.975, 6);
    expect<f32>(get(m, 0)).toBeCloseTo(0.05, 7);
    expect<f32>(get(v, 0)).toBeCloseTo(0.004, 8);
  });

  it('applies weight decay, eps and the Hessian power', () => {
    // Second step from m = 0.05, v = 0.004 with g = -1, D = 3, t = 2, k = 0.5, eps = 0.1, wd = 0.2:
    // m = 0.045 - 0.1 = -0.055; v = 0.003996 + 0.009 = 0.012996
    // mhat = -0.055 / 0.19 ; vhat = 0.012996 / 0.001999 ; denom = vhat^0.25 + 0.1
    // x = 2 - 0.1 (mhat / denom + 0.2·2)
    const x = floats([2]), m = floats([0.05]), v = floats([0.004]), g = floats([-1]), d = floats([3]);
    adahessianStep(x, m, v, g, d, x, m, v, 1, 2, 0.1, 0.9, 0.999, 0.1, 0.2, 0.5);
    const mhat = -0.055 / 0.19;
    const denom = Math.pow(0.012996 / 0.001999, 0.25) + 0.1;
    expect<f32>(get(x, 0)).toBeCloseTo(<f32>(2 - 0.1 * (mhat / denom + 0.4)), 5);
    expect<f32>(get(v, 0)).toBeCloseTo(0.012996, 7);
  });

  it('keeps v and still steps when there is no Hessian (d = 0)', () => {
    // m = 0.9·0.2 + 0.1·1 = 0.28; mhat = 0.28 / (1 - 0.9³) ; vhat = 0.01 / (1 - 0.999³)
    const x = floats([0]), m = floats([0.2]), v = floats([0.01]), g = floats([1]);
    adahessianStep(x, m, v, g, 0, x, m, v, 1, 3, 0.01, 0.9, 0.999, 0, 0, 1);
    expect<u32>(bits(v, 0)).toBe(reinterpret<u32>(<f32>0.01));
    const expected = -0.01 * ((0.28 / (1 - 0.729)) / Math.sqrt(0.01 / (1 - Math.pow(0.999, 3))));
    expect<f32>(get(x, 0)).toBeCloseTo(<f32>expected, 6);
  });

  it('gives the scalar tail the same bits as the SIMD body, for every power path', () => {
    const powers: f64[] = [1, 0.5, 0, 0.7];
    for (let p = 0; p < powers.length; p++) {
      const x = tailTwin(0.3, -1.5, 2.25, 7);
      const m = tailTwin(0.01, -0.2, 0.5, 1);
      const v = tailTwin(0.003, 0.04, 1e-6, 2);
      const g = tailTwin(-0.7, 0.123, 3.5, 0);
      const d = tailTwin(0.9, 1e-3, 12.5, 1);
      adahessianStep(x, m, v, g, d, x, m, v, 7, 4, 0.05, 0.9, 0.999, 1e-4, 0.01, powers[p]);
      expectTailMatchesBody(x, 'x');
      expectTailMatchesBody(m, 'm');
      expectTailMatchesBody(v, 'v');
    }
  });

  it('flags NaN and ±Inf in g or d, in the body and in the tail', () => {
    const n = 6;
    expect<i32>(adahessianStep(zerosAt(n), zerosAt(n), zerosAt(n), zerosAt(n), zerosAt(n), zerosAt(n), zerosAt(n), zerosAt(n), n, 1, 0.1, 0.9, 0.999, 1e-8, 0, 1)).toBe(0);
    const nanInBody = floats([0, NaN, 0, 0, 0, 0]);
    expect<i32>(adahessianStep(zerosAt(n), zerosAt(n), zerosAt(n), nanInBody, zerosAt(n), zerosAt(n), zerosAt(n), zerosAt(n), n, 1, 0.1, 0.9, 0.999, 1e-8, 0, 1)).toBe(1);
    const infInTail = floats([0, 0, 0, 0, 0, -Infinity]);
    expect<i32>(adahessianStep(zerosAt(n), zerosAt(n), zerosAt(n), infInTail, zerosAt(n), zerosAt(n), zerosAt(n), zerosAt(n), n, 1, 0.1, 0.9, 0.999, 1e-8, 0, 1)).toBe(1);
    const infInD = floats([0, 0, Infinity, 0, 0, 0]);
    expect<i32>(adahessianStep(zerosAt(n), zerosAt(n), zerosAt(n), zerosAt(n), infInD, zerosAt(n), zerosAt(n), zerosAt(n), n, 1, 0.1, 0.9, 0.999, 1e-8, 0, 1)).toBe(1);
   });

  it('flags a NaN parameter and a second moment that overflows, in the body and in the tail', () => {
    const n = 6;
    const nanX = floats([0, 0, 0, 0, 0, NaN]);
    expect<i32>(adahessianStep(nanX, zerosAt(n), zerosAt(n), zerosAt(n), zerosAt(n), nanX, zerosAt(n), zerosAt(n), n, 1, 0.1, 0.9, 0.999, 1e-8, 0, 1)).toBe(1);
    // D = 1e20 is finite but (1 - b2) D² = 1e37 · 1e3 overflows float32: v = +Inf
    const hugeDInBody = floats([0, 1e20, 0, 0, 0, 0]);
    expect<i32>(adahessianStep(zerosAt(n), zerosAt(n), zerosAt(n), zerosAt(n), hugeDInBody, zerosAt(n), zerosAt(n), zerosAt(n), n, 1, 0.1, 0.9, 0.999, 1e-8, 0, 1)).toBe(1);
    const hugeDInTail = floats([0, 0, 0, 0, 0, 1e20]);
    expect<i32>(adahessianStep(zerosAt(n), zerosAt(n), zerosAt(n), zerosAt(n), hugeDInTail, zerosAt(n), zerosAt(n), zerosAt(n), n, 1, 0.1, 0.9, 0.999, 1e-8, 0, 1)).toBe(1);
  });
});

describe('spatialMeanAbs, and broadcastAxis bringing a mean back', () => {
  it('averages |h| over contiguous rows (inner = 1)', () => {
    // two rows of 6: mean |.| = (1+2+3+4+5+6)/6 = 3.5 and (0.5·6)/6 = 0.5
    const h = floats([1, -2, 3, -4, 5, -6, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5]);
    const out = zerosAt(2);
    spatialMeanAbs(h, out, 2, 6, 1);
    expect<f32>(get(out, 0)).toBe(3.5);
    expect<f32>(get(out, 1)).toBe(0.5);
  });

  it('averages |h| down columns (inner > 1), tail columns with the body columns bits', () => {
    // shape [1, 3, 7]: column c of rows (a, b, c) repeats at c + 4 for c < 3
    const row0: f32[] = [0.1, -0.7, 3.3, 1, 0.1, -0.7, 3.3];
    const row1: f32[] = [-0.2, 0.35, 1e-3, 2, -0.2, 0.35, 1e-3];
    const row2: f32[] = [0.3, 9.1, -2.5, 3, 0.3, 9.1, -2.5];
    const h = floats(row0.concat(row1).concat(row2));
    const out = zerosAt(7);
    spatialMeanAbs(h, out, 1, 3, 7);
    expect<f32>(get(out, 3)).toBe(2); // (1 + 2 + 3) / 3
    expect<f32>(get(out, 0)).toBeCloseTo(0.2, 6);
    for (let i = 0; i < 3; i++) expect<u32>(bits(out, 4 + i)).toBe(bits(out, i));
  });

  it('averages the middle axis of [outer, mid, inner]', () => {
    // shape [2, 2, 2]: out[o, i] = (|h[o,0,i]| + |h[o,1,i]|) / 2
    const h = floats([1, 2, 3, -4, 5, 6, -7, 8]);
    const out = zerosAt(4);
    spatialMeanAbs(h, out, 2, 2, 2);
    expect<f32>(get(out, 0)).toBe(2);
    expect<f32>(get(out, 1)).toBe(3);
    expect<f32>(get(out, 2)).toBe(6);
    expect<f32>(get(out, 3)).toBe(7);
  });

  it('broadcasts a mean back over its axis', () => {
    const rows = floats([1, 2]);
    const full = zerosAt(10);
    broadcastAxis(rows, full, 2, 5, 1, false);
    for (let j = 0; j < 5; j++) {
      expect<f32>(get(full, j)).toBe(1);
      expect<f32>(get(full, 5 + j)).toBe(2);
    }
    broadcastAxis(rows, full, 2, 5, 1, true); // and adds it, in the f32x4 body and the tail
    for (let j = 0; j < 5; j++) {
      expect<f32>(get(full, j)).toBe(2);
      expect<f32>(get(full, 5 + j)).toBe(4);
    }
    const cols = floats([1, 2, 3]);
    const grid = zerosAt(6);
    broadcastAxis(cols, grid, 1, 2, 3, false);
    for (let i = 0; i < 3; i++) {
      expect<f32>(get(grid, i)).toBe(<f32>(i + 1));
      expect<f32>(get(grid, 3 + i)).toBe(<f32>(i + 1));
    }
  });
});

describe('adamStep', () => {
  it('takes the hand-computed first step (|x change| = stepSize)', () => {
    // t = 1: mhat = g, vhat = g², so x = x - lr·g/(|g| + eps) = 1 - 0.1 with eps = 0
    const x = floats([1]), m = zerosAt(1), v = zerosAt(1), g = floats([3]);
    expect<i32>(adamStep(x, m, v, g, x, m, v, 1, 1, 0.1, 0.9, 0.999, 0, 0)).toBe(0);
    expect<f32>(get(x, 0)).toBeCloseTo(0.9, 6);
    expect<f32>(get(m, 0)).toBeCloseTo(0.3, 7);
    expect<f32>(get(v, 0)).toBeCloseTo(0.009, 8);
  });

  it('applies decoupled weight decay as stepSize·weightDecay·x', () => {
    const x = floats([2]), m = zerosAt(1), v = zerosAt(1), g = floats([-1]);
    adamStep(x, m, v, g, x, m, v, 1, 1, 0.1, 0.9, 0.999, 0, 0.5);
    expect<f32>(get(x, 0)).toBeCloseTo(<f32>(2 + 0.1 - 0.1 * 0.5 * 2), 6);
  });

  it('gives the scalar tail the same bits as the SIMD body and flags non-finite g', () => {
    const x = tailTwin(0.3, -1.5, 2.25, 7);
    const m = tailTwin(0.01, -0.2, 0.5, 1);
    const v = tailTwin(0.003, 0.04, 1e-6, 2);
    const g = tailTwin(-0.7, 0.123, 3.5, 0);
    expect<i32>(adamStep(x, m, v, g, x, m, v, 7, 3, 0.05, 0.9, 0.999, 1e-8, 0.01)).toBe(0);
    expectTailMatchesBody(x, 'x');
    expectTailMatchesBody(m, 'm');
    expectTailMatchesBody(v, 'v');
    const bad = floats([0, 0, 0, 0, NaN]);
    expect<i32>(adamStep(zerosAt(5), zerosAt(5), zerosAt(5), bad, zerosAt(5), zerosAt(5), zerosAt(5), 5, 1, 0.1, 0.9, 0.999, 1e-8, 0)).toBe(1);
  });
});

describe('sgdStep and momentumStep', () => {
  it('take the hand-computed steps', () => {
    const x = floats([1, 2, 3, 4, 5]);
    const g = floats([1, -1, 0.5, 0, 2]);
    expect<i32>(sgdStep(x, g, x, 5, 0.5)).toBe(0);
    expect<f32>(get(x, 0)).toBe(0.5);
    expect<f32>(get(x, 1)).toBe(2.5);
    expect<f32>(get(x, 4)).toBe(4);

    // velocity = 0.5·2 + 1 = 2; x = 1 - 0.25·2 = 0.5 (tail element 4: 0.5·-2 + 2 = 1; 5 - 0.25)
    const y = floats([1, 1, 1, 1, 5]);
    const vel = floats([2, 2, 2, 2, -2]);
    const gy = floats([1, 1, 1, 1, 2]);
    expect<i32>(momentumStep(y, vel, gy, y, vel, 5, 0.25, 0.5)).toBe(0);
    expect<f32>(get(vel, 0)).toBe(2);
    expect<f32>(get(y, 0)).toBe(0.5);
    expect<f32>(get(vel, 4)).toBe(1);
    expect<f32>(get(y, 4)).toBe(4.75);
  });

  it('flag non-finite gradients', () => {
    expect<i32>(sgdStep(zerosAt(5), floats([0, 0, 0, 0, Infinity]), zerosAt(5), 5, 0.1)).toBe(1);
    expect<i32>(momentumStep(zerosAt(4), zerosAt(4), floats([NaN, 0, 0, 0]), zerosAt(4), zerosAt(4), 4, 0.1, 0.9)).toBe(1);
  });

  it('flag parameters that overflow float32 or are NaN already', () => {
    expect<i32>(sgdStep(floats([3e38, 0, 0, 0, 0]), floats([-1e38, 0, 0, 0, 0]), zerosAt(5), 5, 10)).toBe(1);
    expect<i32>(sgdStep(floats([0, 0, 0, 0, NaN]), zerosAt(5), zerosAt(5), 5, 0.1)).toBe(1);
    expect<i32>(momentumStep(floats([0, 0, 0, 0, -3e38]), zerosAt(5), floats([0, 0, 0, 0, 1e38]), zerosAt(5), zerosAt(5), 5, 10, 0.9)).toBe(1);
    expect<i32>(adamStep(zerosAt(5), zerosAt(5), zerosAt(5), floats([0, 0, 0, 0, 1e20]), zerosAt(5), zerosAt(5), zerosAt(5), 5, 1, 0.1, 0.9, 0.999, 1e-8, 0)).toBe(1);
    expect<i32>(adamStep(floats([NaN, 0, 0, 0, 0]), zerosAt(5), zerosAt(5), zerosAt(5), zerosAt(5), zerosAt(5), zerosAt(5), 5, 1, 0.1, 0.9, 0.999, 1e-8, 0)).toBe(1);
  });
});

describe('rmspropStep', () => {
  it('takes the hand-computed first step, the tail with the body\'s bits, and flags NaN', () => {
    // gamma 0.75, eps 0: v = 0.25 g², x = 1 - 0.5 g / (0.5 |g|) = 1 ∓ 1
    const x = floats([1, 1, 1, 1, 1, 1, 1]);
    const v = zerosAt(7);
    expect<i32>(rmspropStep(x, v, tailTwin(3, -0.5, 1e-3, -7), x, v, 7, 0.5, 0.75, 0)).toBe(0);
    expect<f32>(get(x, 0)).toBe(0);
    expect<f32>(get(x, 1)).toBe(2);
    expect<f32>(get(v, 3)).toBe(12.25);
    expectTailMatchesBody(x, 'x');
    expectTailMatchesBody(v, 'v');
    expect<i32>(rmspropStep(floats([1, 1, 1, 1, 1]), zerosAt(5), floats([1, 1, 1, 1, NaN]), zerosAt(5), zerosAt(5), 5, 0.5, 0.9, 1e-8)).toBe(1);
  });
});

// Old arrays at one address, new ones at another: the same bits as the step in place, and the
// old arrays as they were (so an optimizer state can step from its blocks into fresh ones).
const n = 7;
const x0 = tailTwin(0.3, -1.5, 2.25, 7);
const m0 = tailTwin(0.01, -0.2, 0.5, 1);
const v0 = tailTwin(0.003, 0.04, 1e-6, 2);
const g = tailTwin(-0.7, 0.123, 3.5, 0);
const d = tailTwin(0.9, 1e-3, 12.5, 1);

describe('out-of-place steps', () => {

  it('adahessianStep, with and without D', () => {
    for (let hasD = 0; hasD < 2; hasD++) {
      const dd: usize = hasD ? d : 0;
      const x = copyOf(x0, n), m = copyOf(m0, n), v = copyOf(v0, n);
      adahessianStep(x, m, v, g, dd, x, m, v, n, 4, 0.05, 0.9, 0.999, 1e-4, 0.01, 0.5);
      const xo = zerosAt(n), mo = zerosAt(n), vo = zerosAt(n);
      const xi = copyOf(x0, n), mi = copyOf(m0, n), vi = copyOf(v0, n);
      expect<i32>(adahessianStep(xi, mi, vi, g, dd, xo, mo, vo, n, 4, 0.05, 0.9, 0.999, 1e-4, 0.01, 0.5)).toBe(0);
      expectSameBits(xo, x, n, 'x');
      expectSameBits(mo, m, n, 'm');
      expectSameBits(vo, v, n, 'v'); // without D: v copied as it is
      expectSameBits(xi, x0, n, 'old x');
      expectSameBits(mi, m0, n, 'old m');
      expectSameBits(vi, v0, n, 'old v');
    }
  });

  it('adamStep', () => {
    const x = copyOf(x0, n), m = copyOf(m0, n), v = copyOf(v0, n);
    adamStep(x, m, v, g, x, m, v, n, 3, 0.05, 0.9, 0.999, 1e-8, 0.01);
    const xi = copyOf(x0, n), mi = copyOf(m0, n), vi = copyOf(v0, n);
    const xo = zerosAt(n), mo = zerosAt(n), vo = zerosAt(n);
    adamStep(xi, mi, vi, g, xo, mo, vo, n, 3, 0.05, 0.9, 0.999, 1e-8, 0.01);
    expectSameBits(xo, x, n, 'x');
    expectSameBits(mo, m, n, 'm');
    expectSameBits(vo, v, n, 'v');
    expectSameBits(xi, x0, n, 'old x');
    expectSameBits(mi, m0, n, 'old m');
    expectSameBits(vi, v0, n, 'old v');
  });

  it('sgdStep, momentumStep and rmspropStep', () => {
    const x = copyOf(x0, n), xi = copyOf(x0, n), xo = zerosAt(n);
    sgdStep(x, g, x, n, 0.5);
    sgdStep(xi, g, xo, n, 0.5);
    expectSameBits(xo, x, n, 'sgd x');
    expectSameBits(xi, x0, n, 'sgd old x');

    const y = copyOf(x0, n), vel = copyOf(m0, n), yi = copyOf(x0, n), veli = copyOf(m0, n), yo = zerosAt(n), velo = zerosAt(n);
    momentumStep(y, vel, g, y, vel, n, 0.25, 0.9);
    momentumStep(yi, veli, g, yo, velo, n, 0.25, 0.9);
    expectSameBits(yo, y, n, 'momentum x');
    expectSameBits(velo, vel, n, 'velocity');
    expectSameBits(yi, x0, n, 'momentum old x');
    expectSameBits(veli, m0, n, 'old velocity');

    const z = copyOf(x0, n), w = copyOf(v0, n), zi = copyOf(x0, n), wi = copyOf(v0, n), zo = zerosAt(n), wo = zerosAt(n);
    rmspropStep(z, w, g, z, w, n, 0.5, 0.9, 1e-8);
    rmspropStep(zi, wi, g, zo, wo, n, 0.5, 0.9, 1e-8);
    expectSameBits(zo, z, n, 'rmsprop x');
    expectSameBits(wo, w, n, 'rmsprop v');
    expectSameBits(zi, x0, n, 'rmsprop old x');
    expectSameBits(wi, v0, n, 'rmsprop old v');
  });
});

// adahessianStepRows on [outer, len, inner] against adahessianStep on the broadcast means, out of
// place (spans of 7 and 5 floats: the f32x4 body and the tail)
function expectRowsMatchBroadcast(outer: i32, len: i32, inner: i32, withD: bool): void {
  const n = outer * len * inner;
  const h = zerosAt(n), x = zerosAt(n), m = zerosAt(n), v = zerosAt(n), gg = zerosAt(n);
  for (let i = 0; i < n; i++) {
    store<f32>(h + (<usize>i << 2), <f32>Math.sin(<f64>i * 1.7) * 3);
    store<f32>(x + (<usize>i << 2), <f32>Math.cos(<f64>i * 0.3));
    store<f32>(m + (<usize>i << 2), <f32>Math.sin(<f64>i * 0.9) * 0.1);
    store<f32>(v + (<usize>i << 2), <f32>(0.01 + Math.abs(Math.sin(<f64>i * 2.1)) * 0.02));
    store<f32>(gg + (<usize>i << 2), <f32>Math.cos(<f64>i * 1.3));
  }
  const means = zerosAt(outer * inner);
  spatialMeanAbs(h, means, outer, len, inner);
  const d = zerosAt(n);
  broadcastAxis(means, d, outer, len, inner, false);
  const hyper = heap.alloc(56);
  const values: f64[] = [4, 0.05, 0.9, 0.999, 1e-4, 0.01, 0.5];
  for (let i = 0; i < 7; i++) store<f64>(hyper + (<usize>i << 3), values[i]);
  const xb = zerosAt(n), mb = zerosAt(n), vb = zerosAt(n);
  adahessianStep(x, m, v, gg, withD ? d : 0, xb, mb, vb, n, 4, 0.05, 0.9, 0.999, 1e-4, 0.01, 0.5);
  const xr = zerosAt(n), mr = zerosAt(n), vr = zerosAt(n);
  expect<i32>(adahessianStepRows(x, m, v, gg, withD ? means : 0, xr, mr, vr, outer, len, inner, hyper)).toBe(0);
  expectSameBits(xr, xb, n, 'x');
  expectSameBits(mr, mb, n, 'm');
  expectSameBits(vr, vb, n, 'v');
}

describe('adahessianStepRows', () => {
  it('gives the bits of adahessianStep on the broadcast means: rows, columns, both, and no D', () => {
    expectRowsMatchBroadcast(3, 7, 1, true); // 'last' on a matrix: one D per row
    expectRowsMatchBroadcast(1, 9, 6, true); // 'conv' on a kernel: one D per inner index
    expectRowsMatchBroadcast(2, 3, 5, true); // the middle axis of three
    expectRowsMatchBroadcast(3, 7, 1, false);
    expectRowsMatchBroadcast(2, 3, 5, false);
  });

  it('flags a non-finite mean', () => {
    const hyper = heap.alloc(56);
    const values: f64[] = [1, 0.1, 0.9, 0.999, 1e-8, 0, 1];
    for (let i = 0; i < 7; i++) store<f64>(hyper + (<usize>i << 3), values[i]);
    const means = floats([0, Infinity]);
    expect<i32>(adahessianStepRows(zerosAt(10), zerosAt(10), zerosAt(10), zerosAt(10), means, zerosAt(10), zerosAt(10), zerosAt(10), 2, 5, 1, hyper)).toBe(1);
    expect<i32>(adahessianStepRows(zerosAt(10), zerosAt(10), zerosAt(10), zerosAt(10), means, zerosAt(10), zerosAt(10), zerosAt(10), 1, 5, 2, hyper)).toBe(1);
  });
});

describe('optimPow', () => {
  it('computes x^y', () => {
    expect<f64>(optimPow(2, 10)).toBe(1024);
    expect<f64>(optimPow(0.5, 0.5)).toBeCloseTo(Math.SQRT1_2, 15);
  });
});
