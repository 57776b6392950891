// Shape arithmetic shared by the ops: axis normalisation and numpy broadcasting. (The raw
// multi-axis reductions and broadcasts over arena addresses are in src/kernels/axes.ts.)
import { formatShape, type Shape } from '../tensor.js';

/** Sorted, de-duplicated, non-negative axes; `undefined` means every axis. */
export function normalizeAxes(axis: number | readonly number[] | undefined, shape: Shape, op: string): number[] {
  const ndim = shape.length;
  if (axis === undefined || axis === null) return shape.map((_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const out = list.map((a) => {
    if (!Number.isInteger(a) || a < -ndim || a >= ndim) {
      throw new RangeError(`${op}: axis ${a} is out of range for shape ${formatShape(shape)} (ndim ${ndim})`);
    }
    return a < 0 ? a + ndim : a;
  });
  return [...new Set(out)].sort((p, q) => p - q);
}

/** The shape after reducing `axes` with keepdims. */
export function keepDimsShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** numpy broadcasting of two shapes; throws naming the op and both shapes. */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const ndim = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < ndim; i++) {
    const da = a[a.length - ndim + i] ?? 1;
    const db = b[b.length - ndim + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together`,
      );
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}
