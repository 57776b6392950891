// Threefry-2x32 with 20 rounds (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
// SC 2011), exactly as JAX's threefry2x32: a 64-bit key and a 64-bit counter give 64 random bits.
// Every JAX random function is built from it: keys are split by hashing counters 0, 1, 2, ...
// and random bits are y0 ^ y1 of the hash of each element's flat index.
//
// Rotation constants: rounds 1-4 of every odd group use 13 15 26 6, of every even group
// 17 29 16 24. After each group of four rounds the key schedule (k0, k1, k2 = k0 ^ k1 ^ C240)
// is injected, plus the group number into the second word.

/** Threefish's key-schedule parity constant. */
const C240: u32 = 0x1BD11BDA;

/** threefry2x32(key, (x0, x1)) as one u64: y0 in the high word, y1 in the low word. */
@inline
export function threefry2x32(k0: u32, k1: u32, x0: u32, x1: u32): u64 {
  const k2 = k0 ^ k1 ^ C240;
  x0 += k0;
  x1 += k1;

  x0 += x1; x1 = rotl<u32>(x1, 13) ^ x0;
  x0 += x1; x1 = rotl<u32>(x1, 15) ^ x0;
  x0 += x1; x1 = rotl<u32>(x1, 26) ^ x0;
  x0 += x1; x1 = rotl<u32>(x1, 6) ^ x0;
  x0 += k1; x1 += k2 + 1;

  x0 += x1; x1 = rotl<u32>(x1, 17) ^ x0;
  x0 += x1; x1 = rotl<u32>(x1, 29) ^ x0;
  x0 += x1; x1 = rotl<u32>(x1, 16) ^ x0;
  x0 += x1; x1 = rotl<u32>(x1, 24) ^ x0;
  x0 += k2; x1 += k0 + 2;

  x0 += x1; x1 = rotl<u32>(x1, 13) ^ x0;
  x0 += x1; x1 = rotl<u32>(x1, 15) ^ x0;
  x0 += x1; x1 = rotl<u32>(x1, 26) ^ x0;
  x0 += x1; x1 = rotl<u32>(x1, 6) ^ x0;
  x0 += k0; x1 += k1 + 3;

  x0 += x1; x1 = rotl<u32>(x1, 17) ^ x0;
  x0 += x1; x1 = rotl<u32>(x1, 29) ^ x0;
  x0 += x1; x1 = rotl<u32>(x1, 16) ^ x0;
  x0 += x1; x1 = rotl<u32>(x1, 24) ^ x0;
  x0 += k1; x1 += k2 + 4;

  x0 += x1; x1 = rotl<u32>(x1, 13) ^ x0;
  x0 += x1; x1 = rotl<u32>(x1, 15) ^ x0;
  x0 += x1; x1 = rotl<u32>(x1, 26) ^ x0;
  x0 += x1; x1 = rotl<u32>(x1, 6) ^ x0;
  x0 += k2; x1 += k0 + 5;

  return (<u64>x0 << 32) | <u64>x1;
}

/** JAX's 32 random bits for flat index i (below 2^32, so the counter's high word is 0). */
@inline
export function threefryBits(k0: u32, k1: u32, i: u32): u32 {
  const y = threefry2x32(k0, k1, 0, i);
  return <u32>(y >>> 32) ^ <u32>y;
}

/**
 * Rotates each u32 lane left by r. Wasm SIMD has no lane rotate, so it is two shifts and an or;
 * rotations by 16 and 24 move whole bytes, so they are one byte shuffle instead (a single pshufb
 * on x86). Every r is a constant, so the ifs fold away.
 */
@inline
function rotl4(x: v128, r: i32): v128 {
  if (r == 16) return i8x16.swizzle(x, v128(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13));
  if (r == 24) return i8x16.swizzle(x, v128(1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12));
  return v128.or(i32x4.shl(x, r), i32x4.shr_u(x, 32 - r));
}

@inline
function round4(x0: v128, x1: v128, r: i32): v128 {
  return v128.xor(rotl4(x1, r), x0);
}

/**
 * threefryBits for the four flat indices i, i+1, i+2, i+3 at once (u32 lanes), the same
 * arithmetic as the scalar path lane by lane, so the bits are identical.
 */
@inline
export function threefryBitsX4(k0: u32, k1: u32, i: u32): v128 {
  const k2 = k0 ^ k1 ^ C240;
  // Counter (0, i + lane): the high word is zero, so x0 starts as k0.
  let x0 = i32x4.splat(k0);
  let x1 = i32x4.add(i32x4.splat(i + k1), i32x4(0, 1, 2, 3));

  x0 = i32x4.add(x0, x1); x1 = round4(x0, x1, 13);
  x0 = i32x4.add(x0, x1); x1 = round4(x0, x1, 15);
  x0 = i32x4.add(x0, x1); x1 = round4(x0, x1, 26);
  x0 = i32x4.add(x0, x1); x1 = round4(x0, x1, 6);
  x0 = i32x4.add(x0, i32x4.splat(k1)); x1 = i32x4.add(x1, i32x4.splat(k2 + 1));

  x0 = i32x4.add(x0, x1); x1 = round4(x0, x1, 17);
  x0 = i32x4.add(x0, x1); x1 = round4(x0, x1, 29);
  x0 = i32x4.add(x0, x1); x1 = round4(x0, x1, 16);
  x0 = i32x4.add(x0, x1); x1 = round4(x0, x1, 24);
  x0 = i32x4.add(x0, i32x4.splat(k2)); x1 = i32x4.add(x1, i32x4.splat(k0 + 2));

  x0 = i32x4.add(x0, x1); x1 = round4(x0, x1, 13);
  x0 = i32x4.add(x0, x1); x1 = round4(x0, x1, 15);
  x0 = i32x4.add(x0, x1); x1 = round4(x0, x1, 26);
  x0 = i32x4.add(x0, x1); x1 = round4(x0, x1, 6);
  x0 = i32x4.add(x0, i32x4.splat(k0)); x1 = i32x4.add(x1, i32x4.splat(k1 + 3));

  x0 = i32x4.add(x0, x1); x1 = round4(x0, x1, 17);
  x0 = i32x4.add(x0, x1); x1 = round4(x0, x1, 29);
  x0 = i32x4.add(x0, x1); x1 = round4(x0, x1, 16);
  x0 = i32x4.add(x0, x1); x1 = round4(x0, x1, 24);
  x0 = i32x4.add(x0, i32x4.splat(k1)); x1 = i32x4.add(x1, i32x4.splat(k2 + 4));

  x0 = i32x4.add(x0, x1); x1 = round4(x0, x1, 13);
  x0 = i32x4.add(x0, x1); x1 = round4(x0, x1, 15);
  x0 = i32x4.add(x0, x1); x1 = round4(x0, x1, 26);
  x0 = i32x4.add(x0, x1); x1 = round4(x0, x1, 6);
  x0 = i32x4.add(x0, i32x4.splat(k2)); x1 = i32x4.add(x1, i32x4.splat(k0 + 5));

  return v128.xor(x0, x1);
}

/**
 * Elements per step of the bulk kernels (randomBits, randomUniform, randomRademacher): six
 * threefryBitsX4 (indices i .. i+23) and four threefryBits (i+24 .. i+27), in that order.
 *
 * Why that shape: one threefryBitsX4 is a chain of 20 dependent rounds, so alone it leaves the
 * vector units idle while each round waits for the last. Independent chains overlap only when
 * they sit close together in the instruction stream, so a step hashes six back to back
 * (TurboFan interleaves their instructions); six nearly fill the vector ALUs, and eight spill
 * so much of x86's 16 xmm registers that they are slower. The four scalar hashes run on the
 * integer ALUs, which the vector code leaves idle. Measured (randomBits, ns/element, AMD EPYC
 * Zen 5, node 20): 2 vectors per step 4.4, 4 vectors 2.8, 6 vectors 2.4, 8 vectors 3.0,
 * 6 vectors + 4 scalars 2.1. A kernel finishes the last n % BULK_STEP elements with
 * threefryBits.
 */
export const BULK_STEP: i32 = 28;
