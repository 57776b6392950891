// Kernels of assembly/random: threefry2x32 against the Random123 known answers, the SIMD paths
// against the scalar ones bit for bit (sizes around the 28-wide bulk step: its six 4-lane
// vectors, its four scalar slots and the tail), uniform and rademacher against exact float64
// relations to the bits, the emulated fused multiply-add on cases where rounding twice fails,
// and XLA's erf, log1p and erfinv against float64 values.
import { BULK_STEP, threefry2x32 } from '../random/threefry';
import { erfF32 } from '../random/erf';
import { erfinvF32 } from '../random/erfinv';
import { fmaF32, fmaF32x4 } from '../random/fma';
import { log1pF32 } from '../random/log1p';
import {
  randomBits,
  randomBitsScalar,
  randomNormal,
  randomRademacher,
  randomRademacherScalar,
  randomSplit,
  randomThreefry2x32,
  randomUniform,
  randomUniformScalar,
} from '../random/index';

function words(n: i32): usize {
  return heap.alloc(<usize>max(n, 1) << 2);
}
function word(p: usize, i: i32): u32 {
  return load<u32>(p + (<usize>i << 2));
}
function float(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}

// Below one step (all tail), each vector and scalar slot of the first step as the last element,
// one step and its neighbours, two and three steps with short and long tails, and a long run.
const SIZES: i32[] = [
  0, 1, 3, 4, 5, 8, 12, 16, 20, 23, 24, 25, 26, 27, 28, 29, 31, 32, 55, 56, 57, 83, 84, 85, 1001,
];
// Keys with words near 0, near 2^32 and in between (carries in the key schedule).
const KEYS: u32[] = [0, 0, 0, 42, 0xffffffff, 0xffffffff, 0x13198a2e, 0x03707344];

/** A bulk kernel with the signature of randomBits. */
type Kernel = (k0: u32, k1: u32, outPtr: usize, n: i32) => void;

const CANARY: u32 = 0xdeadbeef;

/**
 * Runs the SIMD and the scalar kernel for every key and size, the SIMD output 4 bytes off
 * 16-byte alignment, and expects the same words, and canaries intact just before and after
 * the n words.
 */
function expectSimdEqualsScalar(simd: Kernel, scalar: Kernel): void {
  for (let k = 0; k < KEYS.length; k += 2) {
    for (let s = 0; s < SIZES.length; s++) {
      const n = SIZES[s];
      const a = words(n + 3) + 4; // a[-1] and a[n] are canaries; a is 4 bytes off alignment
      const b = words(n);
      store<u32>(a - 4, CANARY);
      store<u32>(a + (<usize>n << 2), CANARY);
      simd(KEYS[k], KEYS[k + 1], a, n);
      scalar(KEYS[k], KEYS[k + 1], b, n);
      for (let i = 0; i < n; i++) expect<u32>(word(a, i)).toBe(word(b, i));
      expect<u32>(load<u32>(a - 4)).toBe(CANARY);
      expect<u32>(word(a, n)).toBe(CANARY);
    }
  }
}

function uniformSimd(k0: u32, k1: u32, outPtr: usize, n: i32): void {
  randomUniform(k0, k1, outPtr, n, -0.3, 0.9544997);
}
function uniformScalar(k0: u32, k1: u32, outPtr: usize, n: i32): void {
  randomUniformScalar(k0, k1, outPtr, n, -0.3, 0.9544997);
}

describe('the bulk step', () => {
  it('is six 4-lane vectors and four scalar slots', () => {
    // the kernels' loops write exactly these 28 words per step; SIZES are chosen around it
    expect<i32>(BULK_STEP).toBe(28);
  });
});

describe('threefry2x32', () => {
  it('gives the Random123 known answers', () => {
    let y = threefry2x32(0, 0, 0, 0);
    expect<u32>(<u32>(y >>> 32)).toBe(0x6b200159);
    expect<u32>(<u32>y).toBe(0x99ba4efe);
    y = threefry2x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff);
    expect<u32>(<u32>(y >>> 32)).toBe(0x1cb996fc);
    expect<u32>(<u32>y).toBe(0xbb002be7);
    y = threefry2x32(0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3);
    expect<u32>(<u32>(y >>> 32)).toBe(0xc4923a9c);
    expect<u32>(<u32>y).toBe(0x483df7a0);
  });

  it('as a kernel hashes counter pairs in place', () => {
    // two counters: (0x243f6a88, 0x85a308d3) and (0, 0)
    const p = words(4);
    store<u32>(p, 0x243f6a88);
    store<u32>(p, 0x85a308d3, 4);
    store<u32>(p, 0, 8);
    store<u32>(p, 0, 12);
    randomThreefry2x32(0x13198a2e, 0x03707344, p, p, 2);
    expect<u32>(word(p, 0)).toBe(0xc4923a9c);
    expect<u32>(word(p, 1)).toBe(0x483df7a0);
    // the second pair is independent of the first
    const y = threefry2x32(0x13198a2e, 0x03707344, 0, 0);
    expect<u32>(word(p, 2)).toBe(<u32>(y >>> 32));
    expect<u32>(word(p, 3)).toBe(<u32>y);
  });
});

describe('randomSplit', () => {
  it('makes key i from the counter (0, i)', () => {
    const p = words(6);
    randomSplit(0, 0, p, 3);
    expect<u32>(word(p, 0)).toBe(0x6b200159);
    expect<u32>(word(p, 1)).toBe(0x99ba4efe);
    for (let i = 0; i < 3; i++) {
      const y = threefry2x32(0, 0, 0, <u32>i);
      expect<u32>(word(p, 2 * i)).toBe(<u32>(y >>> 32));
      expect<u32>(word(p, 2 * i + 1)).toBe(<u32>y);
    }
  });
});

describe('randomBits', () => {
  it('is y0 ^ y1 of the hash of each flat index', () => {
    const p = words(11);
    randomBits(0x13198a2e, 0x03707344, p, 11);
    for (let i = 0; i < 11; i++) {
      const y = threefry2x32(0x13198a2e, 0x03707344, 0, <u32>i);
      expect<u32>(word(p, i)).toBe(<u32>(y >>> 32) ^ <u32>y);
    }
  });

  it('is the hash of its own index in every vector lane, scalar slot and the tail', () => {
    // three steps and a tail of 13, against threefry2x32 itself (not the scalar kernel)
    const n = 3 * BULK_STEP + 13;
    const p = words(n);
    randomBits(0xffffffff, 0x12345678, p, n);
    for (let i = 0; i < n; i++) {
      const y = threefry2x32(0xffffffff, 0x12345678, 0, <u32>i);
      expect<u32>(word(p, i)).toBe(<u32>(y >>> 32) ^ <u32>y);
    }
  });

  it('SIMD and scalar paths give the same bits, and write nothing outside [0, n)', () => {
    expectSimdEqualsScalar(randomBits, randomBitsScalar);
  });
});

describe('randomUniform', () => {
  it('on [0, 1) is (bits >>> 9) / 2^23 exactly', () => {
    const n = 37;
    const b = words(n);
    const u = words(n);
    randomBits(7, 9, b, n);
    randomUniform(7, 9, u, n, 0, 1);
    for (let i = 0; i < n; i++) {
      expect<f64>(<f64>float(u, i)).toBe(<f64>(word(b, i) >>> 9) / 8388608.0);
    }
  });

  it('on [-2, 2) is 4 f - 2, exact in float32', () => {
    const n = 37;
    const b = words(n);
    const u = words(n);
    randomBits(7, 9, b, n);
    randomUniform(7, 9, u, n, -2, 2);
    for (let i = 0; i < n; i++) {
      expect<f64>(<f64>float(u, i)).toBe((<f64>(word(b, i) >>> 9) / 8388608.0) * 4 - 2);
    }
  });

  it('SIMD and scalar paths give the same bits, and write nothing outside [0, n)', () => {
    expectSimdEqualsScalar(uniformSimd, uniformScalar);
  });
});

describe('randomRademacher', () => {
  it('is +1 where the top random bit is 0 (uniform < 0.5), else -1', () => {
    const n = 101;
    const b = words(n);
    const r = words(n);
    randomBits(3, 4, b, n);
    randomRademacher(3, 4, r, n, 0);
    for (let i = 0; i < n; i++) {
      expect<f32>(float(r, i)).toBe(word(b, i) < 0x80000000 ? 1.0 : -1.0);
    }
  });

  it('SIMD and scalar paths give the same bits, and write nothing outside [0, n)', () => {
    expectSimdEqualsScalar(rademacherSimd, randomRademacherScalar);
  });

  it('drawn from element `first` on, equals that part of the whole (ranges split at any offset)', () => {
    const total = 200;
    const whole = words(total);
    randomRademacherScalar(0x13198a2e, 0x03707344, whole, total);
    const firsts: u32[] = [0, 1, 3, 4, 27, 28, 29, 57, 100];
    for (let f = 0; f < firsts.length; f++) {
      const first = firsts[f];
      for (let s = 0; s < SIZES.length; s++) {
        const n = SIZES[s];
        if (<i32>first + n > total) continue;
        const part = words(n + 1);
        store<u32>(part + (<usize>n << 2), CANARY);
        randomRademacher(0x13198a2e, 0x03707344, part, n, first);
        for (let i = 0; i < n; i++) expect<u32>(word(part, i)).toBe(word(whole, <i32>first + i));
        expect<u32>(word(part, n)).toBe(CANARY);
      }
    }
  });
});

function rademacherSimd(k0: u32, k1: u32, outPtr: usize, n: i32): void {
  randomRademacher(k0, k1, outPtr, n, 0);
}

/** The distance in float32 steps between a float32 result and a float64 reference. */
function ulpsFrom(got: f32, want: f64): f64 {
  const w = <f32>want;
  const ulp = <f64>(reinterpret<f32>(reinterpret<u32>(Mathf.abs(w)) + 1) - Mathf.abs(w));
  return Math.abs(<f64>got - want) / ulp;
}

// Each case's exact a·b + c lies within 2^-60 of a midpoint between two float32 values: rounding
// it to float64 first lands on the midpoint, and the tie then goes the wrong way.
describe('fmaF32', () => {
  it('rounds a·b + c once, where rounding through float64 would round twice', () => {
    // a·b = 2^-24 + 2^-60 = (2^12 + 1)(2^24 - 2^12 + 1) 2^-60: 1 + a·b is just above the midpoint
    // between 1 and 1 + 2^-23.
    const a1: f32 = 4097.0 * 1.4551915228366852e-11; // 4097 · 2^-36
    const b1: f32 = 16773121.0 * 5.960464477539063e-8; // 16773121 · 2^-24
    expect<f32>(fmaF32(a1, b1, 1)).toBe(<f32>1.00000011920928955); // 1 + 2^-23
    expect<f32>(fmaF32(-a1, b1, -1)).toBe(<f32>-1.00000011920928955);
    expect<f32>(<f32>(<f64>a1 * <f64>b1 + 1.0)).toBe(1); // what rounding twice gives
    // a·b = 3·2^-24 - 2^-60 = (23·7211)(107·11617) 2^-60: just below the midpoint between
    // 1 + 2^-23 and 1 + 2^-22, whose tie would go to the even 1 + 2^-22.
    const a2: f32 = 165853.0 * 9.313225746154785e-10; // 165853 · 2^-30
    const b2: f32 = 1243019.0 * 9.313225746154785e-10; // 1243019 · 2^-30
    expect<f32>(fmaF32(a2, b2, 1)).toBe(<f32>1.00000011920928955);
    expect<f32>(<f32>(<f64>a2 * <f64>b2 + 1.0)).toBe(<f32>1.0000002384185791); // rounding twice
  });

  it('keeps what a float32 product would lose, and is exact when a·b + c is', () => {
    // (1 + 2^-12)² - 1 = 2^-11 + 2^-24 exactly; float32 a·b first would drop the 2^-24.
    const a: f32 = 1.000244140625;
    expect<f32>(fmaF32(a, a, -1)).toBe(<f32>4.8834085464477539e-4);
    expect<f32>(a * a - 1).toBe(<f32>4.8828125e-4);
    expect<f32>(fmaF32(3, 0.5, 0.25)).toBe(1.75);
    expect<f32>(fmaF32(0, 5, -0.0)).toBe(0);
    expect<f32>(fmaF32(2, 3, -6)).toBe(0);
  });

  it('fmaF32x4 gives fmaF32 on each lane', () => {
    const a1: f32 = 4097.0 * 1.4551915228366852e-11;
    const b1: f32 = 16773121.0 * 5.960464477539063e-8;
    const a2: f32 = 165853.0 * 9.313225746154785e-10;
    const b2: f32 = 1243019.0 * 9.313225746154785e-10;
    const a = f32x4(a1, -a1, a2, 1.000244140625);
    const b = f32x4(b1, b1, b2, 1.000244140625);
    const c = f32x4(1, -1, 1, -1);
    const r = fmaF32x4(a, b, c);
    expect<f32>(f32x4.extract_lane(r, 0)).toBe(fmaF32(a1, b1, 1));
    expect<f32>(f32x4.extract_lane(r, 1)).toBe(fmaF32(-a1, b1, -1));
    expect<f32>(f32x4.extract_lane(r, 2)).toBe(fmaF32(a2, b2, 1));
    expect<f32>(f32x4.extract_lane(r, 3)).toBe(fmaF32(1.000244140625, 1.000244140625, -1));
  });
});

// XLA's approximations: within their documented accuracy of the float64 values.
describe('log1pF32', () => {
  it('is within 2 ulps of float64 log1p in the rational (|x| < √2 - 1) and the log branch', () => {
    const x: f32[] = [1e-6, -1e-3, 0.1, -0.25, 0.4, -0.41, 0.5, -0.5, -0.9, 0.99, 3, 1e3, -0.9999];
    for (let i = 0; i < x.length; i++) {
      expect<f64>(ulpsFrom(log1pF32(x[i]), Math.log1p(<f64>x[i]))).toBeLessThanOrEqual(2);
    }
    expect<f32>(log1pF32(0)).toBe(0);
    expect<f32>(log1pF32(-1)).toBe(-Infinity);
    expect<bool>(isNaN(log1pF32(-1.5))).toBe(true);
  });
});

// Reference values: erf in float64 (scipy.special.erf) at exactly representable inputs.
describe('erfF32', () => {
  it('is within 3 ulps of float64 erf, odd, and ±1 beyond 3.8325', () => {
    const x: f32[] = [0.1, 0.5, 1, 1.5, 2, 3];
    const want: f64[] = [
      0.1124629160182849, 0.5204998778130465, 0.8427007929497149, 0.9661051464753108, 0.9953222650189527,
      0.9999779095030014,
    ];
    for (let i = 0; i < x.length; i++) {
      expect<f64>(ulpsFrom(erfF32(x[i]), want[i])).toBeLessThanOrEqual(3);
      expect<f32>(erfF32(-x[i])).toBe(-erfF32(x[i]));
    }
    expect<f32>(erfF32(0)).toBe(0);
    expect<f32>(erfF32(4)).toBe(1);
    expect<f32>(erfF32(-4)).toBe(-1);
  });
});

// Reference values: scipy.special.erfinv in float64 at these float32 inputs.
describe('erfinvF32', () => {
  it('matches float64 erfinv within its float32 conditioning, in both branches (w < 5, w >= 5)', () => {
    const x: f32[] = [0.1, 0.5, -0.9, 0.999, 0.9999999, 0.99999994];
    const want: f64[] = [
      0.08885599182530647, 0.4769362762044699, -1.1630870719457722, 2.3267563267961546, 3.7439211627768,
      3.8325068569007104,
    ];
    for (let i = 0; i < x.length; i++) {
      const got = <f64>erfinvF32(x[i]);
      const ulp = <f64>(reinterpret<f32>(reinterpret<u32>(<f32>Math.abs(want[i])) + 1) - <f32>Math.abs(want[i]));
      // x * x is rounded to float32 before 1 - x², an input error of up to 2^-24 that erfinv
      // amplifies by its slope sqrt(pi)/2 exp(erfinv(x)²) (large near ±1); plus 4 ulps of its own.
      const slope = (Math.sqrt(Math.PI) / 2) * Math.exp(want[i] * want[i]);
      expect<f64>(Math.abs(got - want[i])).toBeLessThanOrEqual(4 * ulp + slope * 5.960464477539063e-8);
    }
  });

  it('is odd, zero at zero and infinite at ±1', () => {
    expect<f32>(erfinvF32(0)).toBe(0);
    expect<f32>(erfinvF32(1)).toBe(Infinity);
    expect<f32>(erfinvF32(-1)).toBe(-Infinity);
    const xs: f32[] = [0.25, 0.75, 0.99, 0.9999];
    for (let i = 0; i < xs.length; i++) expect<f32>(erfinvF32(-xs[i])).toBe(-erfinvF32(xs[i]));
    expect<bool>(isNaN(erfinvF32(1.5))).toBe(true);
  });
});

describe('randomNormal', () => {
  it('is sqrt(2)·erfinv of uniform(-1 + 2^-24, 1), finite everywhere', () => {
    const n = 203;
    const z = words(n);
    const u = words(n);
    randomNormal(11, 12, z, n);
    randomUniform(11, 12, u, n, reinterpret<f32>(0xbf7fffff), 1);
    for (let i = 0; i < n; i++) {
      expect<f32>(float(z, i)).toBe(<f32>1.4142135 * erfinvF32(float(u, i)));
      expect<bool>(isFinite(float(z, i))).toBe(true);
    }
  });
});
