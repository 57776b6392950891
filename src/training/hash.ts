// A fingerprint of a parameter tree: SHA-256 over the float32 bytes of its leaves, in
// tree.flatten order, little-endian. Two runs agree on it only if every parameter agrees bit for bit.
import { createHash } from 'node:crypto';
import * as tree from '../tree.js';
import { isTensor, type Tensor } from '../tensor.js';

const LITTLE_ENDIAN_HOST = new Uint8Array(Float32Array.of(1).buffer)[3] === 0x3f;

export function paramsSha256(params: unknown): string {
  const hash = createHash('sha256');
  tree.leaves(params).forEach((leaf, i) => {
    if (!isTensor(leaf)) throw new TypeError(`paramsSha256: leaf ${i} is not a Tensor`);
    hash.update(littleEndianBytes((leaf as Tensor).data));
  });
  return hash.digest('hex');
}

function littleEndianBytes(a: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(a.length * 4);
  const view = new DataView(out.buffer);
  a.forEach((x, i) => view.setFloat32(4 * i, x, true));
  return out;
}
