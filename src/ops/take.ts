// numpy take: the entries at some indices along one axis (a batch's rows, say). It is linear, so
// its four rules come from the gather and its transpose, the scatter-add (see linear.ts):
//   forward y = x[idx],  JVP ẏ = ẋ[idx],  VJP x̄[idx] += ȳ,  JVP-of-VJP ẋ̄[idx] += ẏ̄.
// On a plain tensor (data, a constant: nothing to differentiate) it copies the rows in JS instead:
// gathering a batch from a whole data set must not first copy the data set into wasm memory. Either way it only moves values, so both
// give the same bits.
import { Tensor, formatShape, sizeOf, type Shape } from '../tensor.js';
import { allocF32, i32 } from '../wasm/arena.js';
import { core } from '../wasm/instance.js';
import type { Tracer } from '../autodiff/trace.js';
import { normalizeAxes } from './axes.js';
import { linearOp, reshape } from './linear.js';

/** How take sees x: [outer, len, inner] around the axis, the checked positions, the output shape. */
interface Gather {
  outer: number;
  len: number;
  inner: number;
  positions: Int32Array;
  outShape: number[];
}

/**
 * Checks `indices` against axis `axis` of `shape` (negative ones count from the end; others out of
 * range throw) and lays the gather out. The result's shape is `shape` with that axis replaced by
 * `indicesShape`.
 */
function planGather(shape: Shape, indices: ArrayLike<number>, indicesShape: Shape, axis: number): Gather {
  const [a] = normalizeAxes(axis, shape, 'take');
  const len = shape[a];
  const positions = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const j = indices[k];
    if (!Number.isInteger(j) || j < -len || j >= len) {
      throw new RangeError(`take: index ${j} (at ${k}) is out of range for axis ${a} of length ${len} in shape ${formatShape(shape)}`);
    }
    positions[k] = j < 0 ? j + len : j;
  }
  return {
    outer: sizeOf(shape.slice(0, a)),
    len,
    inner: sizeOf(shape.slice(a + 1)),
    positions,
    outShape: [...shape.slice(0, a), ...indicesShape, ...shape.slice(a + 1)],
  };
}

/** take on a traced value (with its derivative rules); `axis` undefined takes from the flattened array. */
export function take(x: Tracer, indices: ArrayLike<number>, indicesShape: Shape, axis?: number): Tracer {
  if (axis === undefined) return take(reshape(x, [x.size]), indices, indicesShape, 0);
  const { outer, len, inner, positions, outShape } = planGather(x.shape, indices, indicesShape, axis);
  const count = positions.length;
  const idx = allocF32(count); // room for the i32 positions
  i32(idx, count).set(positions);
  return linearOp(
    x,
    outShape,
    (src, dst, acc) => core.takeAxis(src, idx, dst, outer, len, inner, count, acc),
    (src, dst) => core.scatterAddAxis(src, idx, dst, outer, len, inner, count),
  );
}

/** take on a plain tensor: copies whole runs of `inner` values. */
export function takeEager(x: Tensor, indices: ArrayLike<number>, indicesShape: Shape, axis?: number): Tensor {
  const flat = axis === undefined;
  const { outer, len, inner, positions, outShape } = planGather(flat ? [x.size] : x.shape, indices, indicesShape, flat ? 0 : axis);
  const src = x.data;
  const out = new Float32Array(sizeOf(outShape));
  const count = positions.length;
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < count; k++) {
      const from = (o * len + positions[k]) * inner;
      out.set(src.subarray(from, from + inner), (o * count + k) * inner);
    }
  }
  return new Tensor(out, outShape);
}
