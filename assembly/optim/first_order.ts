// The plain first-order steps for one leaf of n floats (old arrays in, new arrays out; the same
// addresses for in place), as jax.example_libraries.optimizers.sgd and .momentum:
//
//   sgd:       x = x - stepSize g
//   momentum:  velocity = mass velocity + g ;  x = x - stepSize velocity
import { at, flagNonFinite, flagNonFiniteScalar, sawNonFinite } from './lanes';

/** Writes the new x to xOut (which may equal x). Returns 1 when g held NaN or ±Inf or the new x is not finite, else 0. */
export function sgdStep(x: usize, g: usize, xOut: usize, n: i32, stepSize: f64): i32 {
  const LR = <f32>stepSize;
  const vLR = f32x4.splat(LR);
  let flags = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const gi = v128.load(at(g, i));
    const xNew = f32x4.sub(v128.load(at(x, i)), f32x4.mul(vLR, gi));
    flags = flagNonFinite(flagNonFinite(flags, gi), xNew);
    v128.store(at(xOut, i), xNew);
  }
  let flag: f32 = 0;
  for (; i < n; i++) {
    const gi = load<f32>(at(g, i));
    const xNew = load<f32>(at(x, i)) - LR * gi;
    flag = flagNonFiniteScalar(flagNonFiniteScalar(flag, gi), xNew);
    store<f32>(at(xOut, i), xNew);
  }
  return sawNonFinite(flags, flag);
}

/**
 * Writes the new x and velocity to xOut and velocityOut (which may equal x and velocity). Returns 1 when g held NaN or ±Inf or the new velocity or x is
 * not finite, else 0.
 */
export function momentumStep(x: usize, velocity: usize, g: usize, xOut: usize, velocityOut: usize, n: i32, stepSize: f64, mass: f64): i32 {
  const LR = <f32>stepSize, MASS = <f32>mass;
  const vLR = f32x4.splat(LR), vMASS = f32x4.splat(MASS);
  let flags = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const gi = v128.load(at(g, i));
    flags = flagNonFinite(flags, gi);
    const vel = f32x4.add(f32x4.mul(vMASS, v128.load(at(velocity, i))), gi);
    const xNew = f32x4.sub(v128.load(at(x, i)), f32x4.mul(vLR, vel));
    flags = flagNonFinite(flagNonFinite(flags, vel), xNew);
    v128.store(at(velocityOut, i), vel);
    v128.store(at(xOut, i), xNew);
  }
  let flag: f32 = 0;
  for (; i < n; i++) {
    const gi = load<f32>(at(g, i));
    flag = flagNonFiniteScalar(flag, gi);
    const vel = MASS * load<f32>(at(velocity, i)) + gi;
    const xNew = load<f32>(at(x, i)) - LR * vel;
    flag = flagNonFiniteScalar(flagNonFiniteScalar(flag, vel), xNew);
    store<f32>(at(velocityOut, i), vel);
    store<f32>(at(xOut, i), xNew);
  }
  return sawNonFinite(flags, flag);
}
