// Checkpoints: an optimizer state as bytes and back, exactly (the floats are copied bit for bit),
// so a run resumed from the bytes continues as if it had never stopped.
//
// Layout (version 1):
//   8 bytes   "AHWSTATE"
//   u32 LE    format version
//   u32 LE    header length in bytes
//   header    UTF-8 JSON { kind, step, treedef, shapes, slots }
//   padding   zero bytes up to a multiple of 4
//   floats    float32 little-endian: every leaf's params, then every leaf of each slot in order
import { Tensor, checkShape, sizeOf, type Shape } from '../tensor.js';
import { countLeaves, type TreeDef } from '../tree.js';
import { OptimizerState, SLOTS, type OptimizerKind } from './state.js';

const MAGIC = 'AHWSTATE';
const VERSION = 1;
const PREFIX = MAGIC.length + 8;
const LITTLE_ENDIAN_HOST = new Uint8Array(Float32Array.of(1).buffer)[3] === 0x3f;

interface Header {
  kind: OptimizerKind;
  step: number;
  treedef: TreeDef;
  shapes: number[][];
  slots: string[];
}

function arraysInOrder(state: OptimizerState): Float32Array[] {
  return [state.params.map((p) => p.data), ...SLOTS[state.kind].map((s) => state.slots[s])].flat();
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
    shapes: state.params.map((p) => [...p.shape]),
    slots: [...SLOTS[state.kind]],
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = Math.ceil((PREFIX + headerBytes.length) / 4) * 4;
  const arrays = arraysInOrder(state);
  const floatCount = arrays.reduce((n, a) => n + a.length, 0);
  const bytes = new Uint8Array(dataStart + floatCount * 4);
  const view = new DataView(bytes.buffer);
  for (let c = 0; c < MAGIC.length; c++) bytes[c] = MAGIC.charCodeAt(c);
  view.setUint32(MAGIC.length, VERSION, true);
  view.setUint32(MAGIC.length + 4, headerBytes.length, true);
  bytes.set(headerBytes, PREFIX);
  let offset = dataStart;
  for (const a of arrays) {
    writeFloats(bytes, view, offset, a);
    offset += a.length * 4;
  }
  return bytes;
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

function invalid(why: string): never {
  throw new RangeError(`deserialize: not an optimizer state written by serialize (${why})`);
}

function checkTreeDef(def: unknown): TreeDef {
  const d = def as TreeDef;
  if (d === null || typeof d !== 'object') invalid('bad tree structure');
  if (d.kind === 'leaf') return { kind: 'leaf' };
  if (d.kind === 'array' && Array.isArray(d.children)) {
    return { kind: 'array', children: d.children.map(checkTreeDef) };
  }
  if (
    d.kind === 'object' &&
    Array.isArray(d.children) &&
    Array.isArray(d.keys) &&
    d.keys.length === d.children.length &&
    d.keys.every((k) => typeof k === 'string')
  ) {
    return { kind: 'object', keys: [...d.keys], children: d.children.map(checkTreeDef) };
  }
  return invalid('bad tree structure');
}

/** The state serialize(state) wrote, with every float bit-identical. */
export function deserialize(bytes: Uint8Array): OptimizerState {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError('deserialize: expected a Uint8Array from serialize');
  }
  if (bytes.length < PREFIX) invalid(`only ${bytes.length} bytes`);
  for (let c = 0; c < MAGIC.length; c++) {
    if (bytes[c] !== MAGIC.charCodeAt(c)) invalid('wrong magic bytes');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(MAGIC.length, true);
  if (version !== VERSION) invalid(`format version ${version}, this library reads ${VERSION}`);
  const headerLength = view.getUint32(MAGIC.length + 4, true);
  if (PREFIX + headerLength > bytes.length) invalid('truncated header');

  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX, PREFIX + headerLength)));
  } catch {
    return invalid('unreadable header');
  }
  const { kind, step } = header;
  if (!Object.hasOwn(SLOTS, kind)) invalid(`unknown optimizer '${kind}'`);
  if (!Number.isSafeInteger(step) || step < 0) invalid(`bad step ${step}`);
  const treedef = checkTreeDef(header.treedef);
  if (!Array.isArray(header.shapes) || header.shapes.length !== countLeaves(treedef)) {
    invalid('shapes do not match the tree structure');
  }
  let shapes: Shape[];
  try {
    shapes = header.shapes.map((s) => checkShape(s));
  } catch {
    return invalid('bad shapes');
  }
  const slotNames = SLOTS[kind];
  if (JSON.stringify(header.slots) !== JSON.stringify(slotNames)) invalid(`bad slots for ${kind}`);

  const sizes = shapes.map(sizeOf);
  const leafFloats = sizes.reduce((n, s) => n + s, 0);
  const dataStart = Math.ceil((PREFIX + headerLength) / 4) * 4;
  const expected = dataStart + leafFloats * (1 + slotNames.length) * 4;
  if (bytes.length !== expected) invalid(`${bytes.length} bytes where the header needs ${expected}`);

  let offset = dataStart;
  const next = (count: number) => {
    const a = readFloats(bytes, offset, count);
    offset += count * 4;
    return a;
  };
  const params = shapes.map((shape, k) => new Tensor(next(sizes[k]), shape));
  const slots = Object.fromEntries(slotNames.map((s) => [s, sizes.map((n) => next(n))]));
  return new OptimizerState(kind, step, treedef, params, slots);
}
