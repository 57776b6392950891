// AdaHessian's spatial averaging: D = mean of |h| over some axes of a leaf (keepdims), broadcast
// back to the leaf's shape. Which axes is the `spatialAverage` option:
//   'last'  the seed's average_magnitude: ndim ≤ 1 none; 2-3 the last axis; 4 the last two; more all
//   'conv'  the PyTorch reference's image-classification rule: a 4-D conv kernel (HWIO) averages
//           over its window, axes [0, 1]; every other leaf (dense weights, biases) is not averaged
//   'none'  no averaging: D = |h|
// On a 4-D kernel 'last' and 'conv' differ: the seed copied PyTorch's OIHW window axes [2, 3],
// which on JAX's HWIO layout are the channel axes.
//   (shape) => axes   any axes (negative axes count from the end)
import { describe, formatShape, type Shape } from '../tensor.js';

export type SpatialAverage = 'last' | 'conv' | 'none' | ((shape: Shape) => readonly number[]);

export function spatialAverageOption(owner: string, value: unknown): SpatialAverage {
  if (value === 'last' || value === 'conv' || value === 'none' || typeof value === 'function') return value as SpatialAverage;
  throw new RangeError(
    `${owner}: spatialAverage must be 'last', 'conv', 'none' or a function (shape) => axes, got ` +
      (typeof value === 'string' ? `'${value}'` : describe(value)),
  );
}

/** The seed's average_magnitude. */
function lastAxes(ndim: number): number[] {
  if (ndim <= 1) return [];
  if (ndim <= 3) return [ndim - 1];
  if (ndim === 4) return [2, 3];
  return Array.from({ length: ndim }, (_, a) => a);
}

/** The kernel window of an HWIO conv kernel; nothing for any other leaf. */
function convAxes(ndim: number): number[] {
  return ndim === 4 ? [0, 1] : [];
}

/** The sorted axes to average a leaf of this shape over; a bad answer of a function throws. */
export function averagedAxes(option: SpatialAverage, shape: Shape): number[] {
  if (option === 'none') return [];
  if (option === 'last') return lastAxes(shape.length);
  if (option === 'conv') return convAxes(shape.length);
  const axes = option(shape);
  const ndim = shape.length;
  const bad = (why: string): never => {
    throw new RangeError(
      `spatialAverage(${formatShape(shape)}) returned ${describe(axes)}${Array.isArray(axes) ? ` [${axes.join(', ')}]` : ''}: ${why}`,
    );
  };
  if (!Array.isArray(axes)) bad('expected an array of axes');
  const normalized = axes.map((a) => {
    if (!Number.isInteger(a) || a < -ndim || a >= ndim) bad(`every axis must be an integer in [${-ndim}, ${ndim})`);
    return a < 0 ? a + ndim : a;
  });
  if (new Set(normalized).size !== normalized.length) bad('an axis appears twice');
  return normalized.sort((a, b) => a - b);
}
