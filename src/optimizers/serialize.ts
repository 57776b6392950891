// Checkpoints: an optimizer state as bytes and back, exactly (the floats are copied bit for bit),
// so a run resumed from the bytes continues as if it had never stopped.
//
// Layout (version 2), in the frame of src/frame.ts (magic "AHWSTATE", a trailing CRC-32):
//   header    UTF-8 JSON { kind, step, treedef, shapes, slots }
//   padding   zero bytes up to a multiple of 4
//   floats    float32 little-endian: every leaf's params, then every leaf of each slot in order
// deserialize checks the checksum before it trusts anything, then every header field against the
// floats, so damaged bytes are refused rather than resumed.
import { FRAME_CHECKSUM_BYTES, FRAME_PREFIX, newFrame, openFrame, sealFrame } from '../frame.js';
import { Tensor, checkShape, sizeOf, type Shape } from '../tensor.js';
import { countLeaves, type TreeDef } from '../tree.js';
import { leafPaths } from './paths.js';
import { OptimizerState, slotsOf, type OptimizerKind } from './state.js';

const MAGIC = 'AHWSTATE';
const VERSION = 2;
/** Deeper trees than any model's are refused before recursion could exhaust the stack. */
const MAX_TREE_DEPTH = 256;
const LITTLE_ENDIAN_HOST = new Uint8Array(Float32Array.of(1).buffer)[3] === 0x3f;

interface Header {
  kind: OptimizerKind;
  step: number;
  treedef: TreeDef;
  shapes: number[][];
  slots: string[];
}

function arraysInOrder(state: OptimizerState): Float32Array[] {
  const slots = state.slots;
  return [state.params.map((p) => p.data), ...slotsOf(state.kind)!.map((s) => slots[s])].flat();
}

/** The state as bytes (see the layout above). */
export function serialize(state: OptimizerState): Uint8Array {
  if (!(state instanceof OptimizerState)) {
    throw new TypeError('serialize: expected an optimizer state (from init, update or deserialize)');
  }
  const header: Header = {
    kind: state.kind,
    step: state.step,
    treedef: state.treedef,
    shapes: state.shapes.map((shape) => [...shape]),
    slots: [...slotsOf(state.kind)!],
  };
  const arrays = arraysInOrder(state);
  const floatCount = arrays.reduce((n, a) => n + a.length, 0);
  // The floats start on a multiple of 4 bytes.
  const { bytes, body } = newFrame(MAGIC, VERSION, header, floatCount * 4, (end) => Math.ceil(end / 4) * 4);
  const view = new DataView(bytes.buffer);
  let offset = body;
  for (const a of arrays) {
    writeFloats(bytes, view, offset, a);
    offset += a.length * 4;
  }
  return sealFrame(bytes);
}

function writeFloats(bytes: Uint8Array, view: DataView, offset: number, a: Float32Array): void {
  if (LITTLE_ENDIAN_HOST) {
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
  } else {
    for (let e = 0; e < a.length; e++) view.setFloat32(offset + 4 * e, a[e], true);
  }
}

function readFloats(bytes: Uint8Array, offset: number, count: number): Float32Array {
  const out = new Float32Array(count);
  if (LITTLE_ENDIAN_HOST) {
    new Uint8Array(out.buffer).set(bytes.subarray(offset, offset + count * 4));
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let e = 0; e < count; e++) out[e] = view.getFloat32(offset + 4 * e, true);
  }
  return out;
}

function checkTreeDef(def: unknown, invalid: (why: string) => never, depth = 0): TreeDef {
  if (depth > MAX_TREE_DEPTH) invalid(`tree structure nested deeper than ${MAX_TREE_DEPTH} levels`);
  const d = def as TreeDef;
  if (d === null || typeof d !== 'object') invalid('bad tree structure');
  const children = () => (d as { children: unknown[] }).children.map((c) => checkTreeDef(c, invalid, depth + 1));
  if (d.kind === 'leaf') return { kind: 'leaf' };
  if (d.kind === 'array' && Array.isArray(d.children)) {
    return { kind: 'array', children: children() };
  }
  if (
    d.kind === 'object' &&
    Array.isArray(d.children) &&
    Array.isArray(d.keys) &&
    d.keys.length === d.children.length &&
    d.keys.every((k) => typeof k === 'string') &&
    new Set(d.keys).size === d.keys.length
  ) {
    return { kind: 'object', keys: [...d.keys], children: children() };
  }
  return invalid('bad tree structure');
}

/** The byte length a header declares, or NaN when the header cannot be read. */
function declaredLength(bytes: Uint8Array, headerEnd: number): number {
  try {
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(FRAME_PREFIX, headerEnd)));
    const floats = (header.shapes as number[][]).reduce((n, s) => n + sizeOf(s), 0) * (1 + header.slots.length);
    return Math.ceil(headerEnd / 4) * 4 + floats * 4 + FRAME_CHECKSUM_BYTES;
  } catch {
    return NaN;
  }
}

/**
 * The state serialize(state) wrote, with every float bit-identical. `name` (e.g. the file the
 * bytes came from) is put in every error. Damaged bytes (checksum), unknown versions, headers that
 * do not match the floats, and NaN/±Inf values throw RangeErrors.
 */
export function deserialize(bytes: Uint8Array, name = 'deserialize'): OptimizerState {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`${name}: expected a Uint8Array from serialize`);
  }
  const invalid = (why: string): never => {
    throw new RangeError(`${name}: not an optimizer state written by serialize (${why})`);
  };
  const { header: opened, headerEnd, end } = openFrame(bytes, MAGIC, VERSION, invalid, (headerEnd) => {
    const needed = declaredLength(bytes, headerEnd);
    if (Number.isFinite(needed) && needed !== bytes.length) invalid(`${bytes.length} bytes where the header needs ${needed}`);
  });
  const header = opened as Header;
  const { kind, step } = header;
  const slotNames = (typeof kind === 'string' && slotsOf(kind)) || invalid(`unknown optimizer '${kind}'`);
  if (!Number.isSafeInteger(step) || step < 0) invalid(`bad step ${step}`);
  const treedef = checkTreeDef(header.treedef, invalid);
  if (!Array.isArray(header.shapes) || header.shapes.length !== countLeaves(treedef)) {
    invalid('shapes do not match the tree structure');
  }
  let shapes: Shape[];
  try {
    shapes = header.shapes.map((s) => checkShape(s));
  } catch {
    return invalid('bad shapes');
  }
  if (JSON.stringify(header.slots) !== JSON.stringify(slotNames)) invalid(`bad slots for ${kind}`);

  const sizes = shapes.map(sizeOf);
  const leafFloats = sizes.reduce((n, s) => n + s, 0);
  const dataStart = Math.ceil(headerEnd / 4) * 4;
  const expected = dataStart + leafFloats * (1 + slotNames.length) * 4 + (bytes.length - end);
  if (bytes.length !== expected) invalid(`${bytes.length} bytes where the header needs ${expected}`);

  const paths = leafPaths(treedef);
  let offset = dataStart;
  const next = (what: string, k: number, nonNegative = false) => {
    const a = readFloats(bytes, offset, sizes[k]);
    offset += sizes[k] * 4;
    for (let e = 0; e < a.length; e++) {
      if (!Number.isFinite(a[e]) || (nonNegative && a[e] < 0)) {
        invalid(`${what} leaf ${k} (${paths[k]}) holds ${a[e]} at flat index ${e}, expected a finite number${nonNegative ? ' ≥ 0' : ''}`);
      }
    }
    return a;
  };
  const params = shapes.map((shape, k) => new Tensor(next('params', k), shape));
  // Second moments are averages of squares: a negative one would take a square root of it.
  const slots = Object.fromEntries(slotNames.map((s) => [s, sizes.map((_, k) => next(s, k, s === 'v'))]));
  return OptimizerState.fromArrays(kind, step, treedef, params, slots);
}
