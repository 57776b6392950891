// The geometry of sliding-window ops on NHWC data (convolutions and poolings), JAX's conventions:
// strides ≥ 1 per spatial axis, and padding 'VALID' (none), 'SAME' (XLA's rule: out = ceil(in/s),
// total = max((out-1)·s + k - in, 0), before = floor(total/2), after = total - before: the extra
// row or column of an odd total goes after) or explicit [[top, bottom], [left, right]].
// The kernels read the geometry as 13 i32 in the arena (assembly/conv/window.ts).
import { describe, formatShape, type Shape } from '../tensor.js';
import { allocF32, i32 } from '../wasm/arena.js';

export type Padding = 'VALID' | 'SAME' | readonly [readonly [number, number], readonly [number, number]];

export interface WindowOptions {
  /** Steps between windows: [vertical, horizontal], or one number for both (default 1). */
  strides?: number | readonly [number, number];
  /** 'VALID' (default), 'SAME', or explicit [[top, bottom], [left, right]]. */
  padding?: Padding;
}

export interface Window {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  kH: number;
  kW: number;
  outC: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
  outH: number;
  outW: number;
}

/** A value as the user wrote it: arrays and strings in JSON, anything else described. */
function show(v: unknown): string {
  return Array.isArray(v) || typeof v === 'string' || typeof v === 'number' ? JSON.stringify(v) : describe(v);
}

const OPTION_KEYS = new Set(['strides', 'padding']);

const isPositiveInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1;
const isNonNegativeInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** A pair of positive integers from one number or a 2-array, or a RangeError naming `what`. */
export function positivePair(value: unknown, what: string, op: string): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every(isPositiveInt)) {
    throw new RangeError(`${op}: ${what} must be a positive integer or two of them [vertical, horizontal], got ${show(value)}`);
  }
  return [pair[0], pair[1]];
}

function checkOptions(options: unknown, op: string): WindowOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${op}: options must be an object { strides, padding }, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new TypeError(`${op}: unknown option '${key}' (expected strides, padding)`);
  }
  return options as WindowOptions;
}

/** [before, after] padding of one spatial axis. */
function axisPadding(padding: unknown, axis: 0 | 1, size: number, k: number, stride: number, op: string): [number, number] {
  if (padding === 'VALID') return [0, 0];
  if (padding === 'SAME') {
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + k - size, 0);
    const before = Math.floor(total / 2);
    return [before, total - before];
  }
  const pairs = padding as unknown[];
  if (
    !Array.isArray(padding) ||
    padding.length !== 2 ||
    !pairs.every((p) => Array.isArray(p) && p.length === 2 && p.every(isNonNegativeInt))
  ) {
    throw new RangeError(
      `${op}: padding must be 'VALID', 'SAME' or [[top, bottom], [left, right]] of non-negative integers, ` +
        `got ${show(padding)}`,
    );
  }
  const [before, after] = pairs[axis] as [number, number];
  return [before, after];
}

/**
 * The geometry of `op` on x of shape [batch, height, width, inC] with a kH×kW window producing
 * outC channels; validates the options and that the window fits in the padded input.
 */
export function windowGeometry(
  op: string, x: Shape, window: readonly [number, number], outC: number, options: unknown,
): Window {
  const { strides = 1, padding = 'VALID' } = checkOptions(options, op);
  const [strideH, strideW] = positivePair(strides, 'strides', op);
  const [batch, inH, inW, inC] = x;
  const [kH, kW] = window;
  const [padTop, padBottom] = axisPadding(padding, 0, inH, kH, strideH, op);
  const [padLeft, padRight] = axisPadding(padding, 1, inW, kW, strideW, op);
  const paddedH = inH + padTop + padBottom;
  const paddedW = inW + padLeft + padRight;
  // SAME always fits: out = ceil(in / s) windows of the padded input
  if (padding !== 'SAME' && (kH > paddedH || kW > paddedW)) {
    throw new RangeError(
      `${op}: window ${kH}×${kW} is larger than the padded input ${paddedH}×${paddedW} ` +
        `(input ${formatShape(x)}, padding ${show(padding)})`,
    );
  }
  const outH = padding === 'SAME' ? Math.ceil(inH / strideH) : Math.floor((paddedH - kH) / strideH) + 1;
  const outW = padding === 'SAME' ? Math.ceil(inW / strideW) : Math.floor((paddedW - kW) / strideW) + 1;
  return { batch, inH, inW, inC, kH, kW, outC, strideH, strideW, padTop, padBottom, padLeft, padRight, outH, outW };
}

export function outputShape(g: Window): number[] {
  return [g.batch, g.outH, g.outW, g.outC];
}

/** Writes g into the arena in the kernels' layout and returns its address. */
export function writeWindow(g: Window): number {
  const fields = [g.batch, g.inH, g.inW, g.inC, g.kH, g.kW, g.outC, g.strideH, g.strideW, g.padTop, g.padLeft, g.outH, g.outW];
  const ptr = allocF32(fields.length);
  i32(ptr, fields.length).set(fields);
  return ptr;
}

/** Throws unless x is rank 4 (NHWC). */
export function checkNHWC(x: Shape, op: string, what = 'input'): void {
  if (x.length !== 4) {
    throw new RangeError(`${op}: ${what} must be 4-D [batch, height, width, channels] (NHWC), got shape ${formatShape(x)}`);
  }
}
