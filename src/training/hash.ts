// A fingerprint of a parameter tree: SHA-256 over the float32 bytes of its leaves, in
// tree.flatten order, little-endian. Two runs agree on it only if every parameter agrees bit for bit.
// Web Crypto computes it, so the same code runs in Node (≥ 20) and in browsers; it is async there.
import * as tree from '../tree.js';
import { isTensor, type Tensor } from '../tensor.js';
import type { Dataset } from '../datasets/dataset.js';

const LITTLE_ENDIAN_HOST = new Uint8Array(Float32Array.of(1).buffer)[3] === 0x3f;

export async function paramsSha256(params: unknown): Promise<string> {
  const leaves = tree.leaves(params).map((leaf, i) => {
    if (!isTensor(leaf)) throw new TypeError(`paramsSha256: leaf ${i} is not a Tensor`);
    return (leaf as Tensor).data;
  });
  const bytes = new Uint8Array(leaves.reduce((n, data) => n + 4 * data.length, 0));
  const view = new DataView(bytes.buffer);
  let offset = 0;
  for (const data of leaves) {
    if (LITTLE_ENDIAN_HOST) bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    else data.forEach((x, i) => view.setFloat32(offset + 4 * i, x, true));
    offset += 4 * data.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

const hex = (digest: ArrayBuffer) => Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');

/** The float32 values as little-endian bytes (a view, no copy, on little-endian hosts). */
function littleEndianBytes(data: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  data.forEach((x, i) => view.setFloat32(4 * i, x, true));
  return bytes;
}

/**
 * A fingerprint of a data set: SHA-256 over the text `<shape>:<sha256 of the float32 bytes>;`
 * for the training images and labels, then the test images and labels. Hashing each array on its
 * own needs no copy of the data. Runs and checkpoints record it, so a resume or a verify on other
 * data (even of the same size) is refused instead of silently diverging.
 */
export async function datasetSha256(data: Dataset): Promise<string> {
  let summary = '';
  for (const t of [data.trainImages, data.trainLabels, data.testImages, data.testLabels]) {
    summary += `${t.shape.join('x')}:${hex(await crypto.subtle.digest('SHA-256', littleEndianBytes(t.data) as BufferSource))};`;
  }
  return hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(summary)));
}
