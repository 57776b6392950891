// Kernels of assembly/matmul: a product worked out by hand, every flag combination (transposes,
// accumulate, bias) of the SIMD path (and of op(B) packed once, packed.ts, where it applies)
// against the scalar path and against a naive triple loop
// written here from the summation order in flags.ts, bit for bit, on odd and edge shapes; and no
// write outside C.
import { matmul, matmulBlock, matmulCopiesA, matmulPackBytes, matmulScalar, matmulTransposeA } from '../matmul/index';
import { ACCUMULATE, TRANS_A, TRANS_B } from '../matmul/flags';
import { multiplyPacked, packB, packedBBytes } from '../matmul/packed';

import { floats, fromArray, get, nextValue, randomFloats, set } from './helpers/floats';

/** C as flags.ts defines it, one element at a time, in the documented order. */
function naive(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, flags: i32, bias: usize): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s: f32 = 0;
      for (let p = 0; p < k; p++) {
        const x = (flags & TRANS_A) ? get(a, p * m + i) : get(a, i * k + p);
        const y = (flags & TRANS_B) ? get(b, j * k + p) : get(b, p * n + j);
        s = s + x * y;
      }
      if (bias) s = s + get(bias, j);
      set(c, i * n + j, (flags & ACCUMULATE) ? get(c, i * n + j) + s : s);
    }
  }
}

const GUARD = 8; // floats after C that no kernel may touch
const SENTINEL: f32 = -12345.5;

/**
 * Runs the SIMD path, the scalar path and the naive loop on the same random inputs and
 * returns the number of elements (or guard floats) whose bits differ between any two.
 */
function mismatches(m: i32, k: i32, n: i32, flags: i32, withBias: bool): i32 {
  const a = randomFloats(m * k);
  const b = randomFloats(k * n);
  const bias: usize = withBias ? randomFloats(n) : 0;
  const initial = randomFloats(m * n); // old C, for accumulate
  const cSimd = floats(m * n + GUARD);
  const cScalar = floats(m * n + GUARD);
  const cNaive = floats(m * n + GUARD);
  for (let i = 0; i < m * n + GUARD; i++) {
    const x = i < m * n ? get(initial, i) : SENTINEL;
    set(cSimd, i, x);
    set(cScalar, i, x);
    set(cNaive, i, x);
  }
  const pack = heap.alloc(<usize>max(matmulPackBytes(m, k, n, flags), 16));
  matmul(a, b, cSimd, m, k, n, flags, bias, pack);
  matmulScalar(a, b, cScalar, m, k, n, flags, bias, pack);
  naive(a, b, cNaive, m, k, n, flags, bias);

  // op(B) packed once (packed.ts) serves A row-major without bias: the same tiles, the same bits
  const packedPath = !(flags & TRANS_A) && !withBias;
  const cPacked = floats(m * n + GUARD);
  if (packedPath) {
    for (let i = 0; i < m * n + GUARD; i++) set(cPacked, i, i < m * n ? get(initial, i) : SENTINEL);
    const packed = heap.alloc(<usize>max(packedBBytes(k, n), 16));
    packB(b, packed, k, n, (flags & TRANS_B) != 0);
    multiplyPacked(a, packed, cPacked, m, k, n, (flags & ACCUMULATE) != 0);
  }

  let bad = 0;
  for (let i = 0; i < m * n + GUARD; i++) {
    const s = load<u32>(cSimd + (<usize>i << 2));
    if (s != load<u32>(cScalar + (<usize>i << 2)) || s != load<u32>(cNaive + (<usize>i << 2))) bad++;
    if (packedPath && s != load<u32>(cPacked + (<usize>i << 2))) bad++;
  }
  return bad;
}

// m, k, n: 1×1×1, odd everything, n = 10 (8 + a 2-wide tail), n a multiple of 4 but not 8, n
// of 5..7 (a padded 8-wide tail), several full panels plus a tail (n = 37), m not a multiple
// of 4, k = 0, a long k; n ≥ 32 with TRANS_A copies op(A) out first (4×4 register blocks plus
// the m % 4 and k % 4 edges: 13×11×40, 8×8×32, 6×2×37).
const SHAPES: i32[][] = [
  [1, 1, 1], [3, 5, 7], [13, 17, 10], [128, 33, 10], [4, 8, 8], [5, 9, 12], [7, 3, 13],
  [2, 6, 4], [6, 2, 37], [9, 1, 1], [1, 40, 3], [2, 0, 5], [17, 300, 21], [13, 11, 40], [8, 8, 32],
];

// A = [[1, 2, 3], [4, 5, 6]], B = [[7, 8], [9, 10], [11, 12]]:
// A·B = [[1*7 + 2*9 + 3*11, 1*8 + 2*10 + 3*12], [4*7 + 5*9 + 6*11, 4*8 + 5*10 + 6*12]]
//     = [[58, 64], [139, 154]]
const a = fromArray([1, 2, 3, 4, 5, 6]);
const aT = fromArray([1, 4, 2, 5, 3, 6]); // A stored 3×2
const b = fromArray([7, 8, 9, 10, 11, 12]);
const bT = fromArray([7, 9, 11, 8, 10, 12]); // B stored 2×3
const bias = fromArray([1, -1]);
const pack = heap.alloc(<usize>matmulPackBytes(2, 3, 2, TRANS_A | TRANS_B)); // enough for every flag combination

describe('matmul, known answer', () => {
  it('computes A·B, Aᵀ·B and A·Bᵀ from each storage', () => {
    const c = floats(4);
    const cases: i32[] = [0, TRANS_A, TRANS_B, TRANS_A | TRANS_B];
    for (let t = 0; t < cases.length; t++) {
      const flags = cases[t];
      const pa = (flags & TRANS_A) ? aT : a;
      const pb = (flags & TRANS_B) ? bT : b;
      matmul(pa, pb, c, 2, 3, 2, flags, 0, pack);
      expect<f32>(get(c, 0)).toBe(58);
      expect<f32>(get(c, 1)).toBe(64);
      expect<f32>(get(c, 2)).toBe(139);
      expect<f32>(get(c, 3)).toBe(154);
      matmulScalar(pa, pb, c, 2, 3, 2, flags, 0, pack);
      expect<f32>(get(c, 3)).toBe(154);
    }
  });

  it('adds the bias to every row, and accumulates into C', () => {
    const c = floats(4);
    matmul(a, b, c, 2, 3, 2, 0, bias, pack);
    expect<f32>(get(c, 0)).toBe(59);
    expect<f32>(get(c, 1)).toBe(63);
    expect<f32>(get(c, 2)).toBe(140);
    expect<f32>(get(c, 3)).toBe(153);
    // C += A·B + bias
    matmul(a, b, c, 2, 3, 2, ACCUMULATE, bias, pack);
    expect<f32>(get(c, 0)).toBe(118);
    expect<f32>(get(c, 1)).toBe(126);
    expect<f32>(get(c, 2)).toBe(280);
    expect<f32>(get(c, 3)).toBe(306);
  });

  it('with k = 0 gives the bias, or leaves C plus the bias', () => {
    const c = fromArray([5, 6, 7, 8]);
    matmul(a, b, c, 2, 0, 2, ACCUMULATE, 0, pack);
    expect<f32>(get(c, 0)).toBe(5);
    expect<f32>(get(c, 3)).toBe(8);
    matmul(a, b, c, 2, 0, 2, ACCUMULATE, bias, pack);
    expect<f32>(get(c, 0)).toBe(6);
    expect<f32>(get(c, 3)).toBe(7);
    matmul(a, b, c, 2, 0, 2, 0, bias, pack);
    expect<f32>(get(c, 0)).toBe(1);
    expect<f32>(get(c, 1)).toBe(-1);
    expect<f32>(get(c, 2)).toBe(1);
  });
});

/** Every flag combination, with and without bias, on SHAPES[s]. */
function checkShape(s: i32): void {
  const m = SHAPES[s][0], k = SHAPES[s][1], n = SHAPES[s][2];
  for (let flags = 0; flags < 8; flags++) {
    expect<i32>(mismatches(m, k, n, flags, false)).toBe(0, `${m}×${k}×${n} flags ${flags}`);
    expect<i32>(mismatches(m, k, n, flags, true)).toBe(0, `${m}×${k}×${n} flags ${flags} + bias`);
  }
}

describe('matmul, SIMD = scalar = the documented order, bit for bit', () => {
  it('on every shape of SHAPES, all transposes, with and without bias and accumulate', () => {
    for (let s = 0; s < SHAPES.length; s++) checkShape(s);
  });

  it('the order matters: summing the other way round changes bits on these inputs', () => {
    // guards the test above against inputs too tame to tell orders apart
    const k = 300;
    const a = randomFloats(k);
    const b = randomFloats(k);
    let forward: f32 = 0;
    let backward: f32 = 0;
    for (let p = 0; p < k; p++) forward = forward + get(a, p) * get(b, p);
    for (let p = k - 1; p >= 0; p--) backward = backward + get(a, p) * get(b, p);
    expect<bool>(forward != backward).toBe(true);
  });
});

/**
 * matmul into one C, and the same product assembled from blocks (rows cut at `rowCuts`, columns
 * at `colCuts`, each block with its own scratch) into another: the number of elements (or guard
 * floats) whose bits differ. Threads split matmul this way.
 */
function blockMismatches(m: i32, k: i32, n: i32, flags: i32, rowCuts: i32[], colCuts: i32[]): i32 {
  const a = randomFloats(m * k);
  const b = randomFloats(k * n);
  const bias = randomFloats(n);
  const whole = floats(m * n + GUARD);
  const blocks = floats(m * n + GUARD);
  for (let i = 0; i < m * n + GUARD; i++) {
    const x = i < m * n ? nextValue() : SENTINEL;
    set(whole, i, x);
    set(blocks, i, x);
  }
  const bytes = <usize>max(matmulPackBytes(m, k, n, flags), 16);
  matmul(a, b, whole, m, k, n, flags, bias, heap.alloc(bytes));
  for (let r = 0; r + 1 < rowCuts.length; r++) {
    for (let q = 0; q + 1 < colCuts.length; q++) {
      const own = heap.alloc(bytes);
      matmulBlock(a, b, blocks, m, k, n, flags, bias, own, rowCuts[r], rowCuts[r + 1], colCuts[q], colCuts[q + 1]);
    }
  }
  let bad = 0;
  for (let i = 0; i < m * n + GUARD; i++) {
    if (load<u32>(whole + (<usize>i << 2)) != load<u32>(blocks + (<usize>i << 2))) bad++;
  }
  return bad;
}

describe('matmulBlock, blocks of C assemble into matmul bit for bit', () => {
  it('row blocks and column blocks (at panels or not), all flags', () => {
    for (let flags = 0; flags < 8; flags++) {
      // rows cut off the 4-row tiles; columns at panel boundaries with a 4- and a 2-wide tail
      expect<i32>(blockMismatches(13, 37, 42, flags, [0, 5, 6, 13], [0, 42])).toBe(0, `rows, flags ${flags}`);
      expect<i32>(blockMismatches(13, 37, 42, flags, [0, 13], [0, 8, 32, 40, 42])).toBe(0, `columns, flags ${flags}`);
      expect<i32>(blockMismatches(9, 20, 36, flags, [0, 4, 9], [0, 16, 36])).toBe(0, `both, flags ${flags}`);
      expect<i32>(blockMismatches(6, 5, 10, flags, [0, 1, 2, 3, 6], [0, 8, 10])).toBe(0, `n = 10, flags ${flags}`);
      expect<i32>(blockMismatches(7, 9, 42, flags, [0, 3, 7], [0, 5, 13, 42])).toBe(0, `columns off the panels, flags ${flags}`);
    }
  });

  it('an empty block writes nothing', () => {
    expect<i32>(blockMismatches(4, 3, 8, 0, [0, 4, 4], [0, 8, 8])).toBe(0);
  });
});

describe('matmulTransposeA: op(A) copied out row-major by ranges of its rows', () => {
  it('ranges (off the 4×4 blocks, at the edges) assemble into the transpose, nothing else written', () => {
    const m = 13;
    const k = 7;
    const a = randomFloats(k * m); // A stored transposed: k×m
    const dst = floats(m * k + GUARD);
    for (let i = 0; i < m * k + GUARD; i++) set(dst, i, SENTINEL);
    const cuts: i32[] = [0, 4, 5, 12, 13];
    for (let r = 0; r + 1 < cuts.length; r++) matmulTransposeA(a, dst, m, k, cuts[r], cuts[r + 1]);
    let bad = 0;
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < k; p++) if (get(dst, i * k + p) != get(a, p * m + i)) bad++;
    }
    for (let g = 0; g < GUARD; g++) if (get(dst, m * k + g) != SENTINEL) bad++;
    expect<i32>(bad).toBe(0);
  });

  it('is what matmul does for TRANS_A from n = 32 columns (narrower: strided reads)', () => {
    expect<i32>(matmulCopiesA(TRANS_A, 32)).toBe(1);
    expect<i32>(matmulCopiesA(TRANS_A, 10)).toBe(0);
    expect<i32>(matmulCopiesA(TRANS_B, 1024)).toBe(0);
  });
});

describe('matmulPackBytes', () => {
  it('covers the scalar row of sums when n is large', () => {
    expect<i32>(matmulPackBytes(1, 1, 1000, 0)).toBeGreaterThanOrEqual(4000);
    expect<i32>(matmulPackBytes(1, 100, 8, 0)).toBeGreaterThanOrEqual(100 * 8 * 4);
  });
});
