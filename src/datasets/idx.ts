// IDX files, the format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/):
//   magic: two zero bytes, a type byte (0x08 = unsigned byte), the number of dimensions;
//   then each dimension as a big-endian uint32; then the values, row-major.
// Images are `idx3` (count, rows, cols), labels `idx1` (count). Files may be gzipped.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { kMaxLength } from 'node:buffer';
import { Tensor } from '../tensor.js';
import { oneHot, type Dataset } from './dataset.js';

const TYPE_UNSIGNED_BYTE = 0x08;
const CLASSES = 10;

export interface IdxArray {
  dims: number[];
  data: Uint8Array; // a view into the bytes given to parseIdx
}

function hex(magic: number): string {
  return `0x${magic.toString(16).padStart(8, '0')}`;
}

/**
 * Parses one IDX file of unsigned bytes. `name` (usually the path) is put in every error.
 * With `ndim`, the magic number must be exactly the one of an `ndim`-dimensional ubyte file
 * (2049 for labels, 2051 for images). Throws on a wrong magic number, a truncated file, or
 * bytes left over after the data.
 */
export function parseIdx(bytes: Uint8Array, name: string, ndim?: number): IdxArray {
  if (bytes.length < 4) {
    throw new Error(`${name}: truncated: ${bytes.length} bytes, an IDX file starts with a 4-byte magic number`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const foundNdim = bytes[3];
  if (ndim !== undefined) {
    const expected = (TYPE_UNSIGNED_BYTE << 8) | ndim;
    if (magic !== expected) {
      throw new Error(
        `${name}: wrong magic number ${hex(magic)} (${magic}), expected ${hex(expected)} (${expected}: ` +
          `unsigned bytes in ${ndim} dimension${ndim === 1 ? '' : 's'})`,
      );
    }
  } else if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== TYPE_UNSIGNED_BYTE || foundNdim === 0) {
    throw new Error(
      `${name}: wrong magic number ${hex(magic)} (${magic}), expected 0x000008NN (unsigned bytes, NN ≥ 1 dimensions)`,
    );
  }

  const headerBytes = 4 + 4 * foundNdim;
  if (bytes.length < headerBytes) {
    throw new Error(
      `${name}: truncated: ${bytes.length} bytes, the header of a ${foundNdim}-dimensional IDX file needs ${headerBytes}`,
    );
  }
  const dims = Array.from({ length: foundNdim }, (_, k) => view.getUint32(4 + 4 * k));
  const dataBytes = dims.reduce((a, b) => a * b, 1);
  const found = bytes.length - headerBytes;
  if (found !== dataBytes) {
    const problem = found < dataBytes ? 'truncated' : 'too long';
    throw new Error(
      `${name}: ${problem}: dimensions ${dims.join('×')} need ${dataBytes} bytes after the ` +
        `${headerBytes}-byte header, found ${found}`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Reads `name` or `name.gz` from `dir` (gzip is recognised by its content) and parses it. */
function readIdxFile(dir: string, name: string, ndim: number): IdxArray & { path: string } {
  const tried = [join(dir, name), join(dir, `${name}.gz`)];
  const path = tried.find((p) => existsSync(p));
  if (path === undefined) {
    throw new Error(`loadIdx: ${name} not found (tried ${tried.join(' and ')})`);
  }
  let bytes: Uint8Array = readFileSync(path);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipIdx(bytes, path);
  return { ...parseIdx(bytes, path, ndim), path };
}

/**
 * Inflates a gzipped IDX file, never past the size its own header declares: first just enough
 * of the stream to read the header, then the whole with zlib's maxOutputLength set to that size,
 * so a small file that inflates to gigabytes (a gzip bomb) fails at once, having allocated little.
 */
function gunzipIdx(gz: Uint8Array, path: string): Uint8Array {
  const gunzip = (input: Uint8Array, options: object) => {
    try {
      return gunzipSync(input, options);
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return null;
      throw new Error(`${path}: cannot gunzip it: ${(e as Error).message}`);
    }
  };
  // Prefixes growing by 64 compressed bytes: each inflates at most ~66 KB (deflate's best ratio is
  // ~1032:1) past the previous one, which held less than a header, so 1 MiB bounds every try.
  const complete = (h: Uint8Array) => h.length >= 4 && h.length >= 4 + 4 * h[3];
  const PREFIX_LIMIT = 16384;
  let head = new Uint8Array(0);
  for (let take = 64; !complete(head) && take < gz.length + 64 && take <= PREFIX_LIMIT; take += 64) {
    head = gunzip(gz.subarray(0, take), { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: 1 << 20 })!;
  }
  if (!complete(head)) {
    if (gz.length > PREFIX_LIMIT) throw new Error(`${path}: no IDX header in the first ${PREFIX_LIMIT} compressed bytes`);
    return head; // the whole (small) stream: parseIdx says what is short
  }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const dims = Array.from({ length: head[3] }, (_, k) => view.getUint32(4 + 4 * k));
  const declared = 4 + 4 * dims.length + dims.reduce((a, b) => a * b, 1);
  if (declared > kMaxLength) {
    throw new Error(`${path}: its IDX header declares ${dims.join('×')} values (${declared} bytes), more than this engine can hold`);
  }
  const bytes = gunzip(gz, { maxOutputLength: declared });
  if (bytes === null) {
    throw new Error(`${path}: too long: it inflates past the ${declared} bytes its IDX header declares (${dims.join('×')})`);
  }
  return bytes;
}

/** IDX bytes 0..255 as float32 in [0, 1]. */
const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

function loadSplit(dir: string, prefix: 'train' | 't10k'): { images: Tensor; labels: Tensor } {
  const images = readIdxFile(dir, `${prefix}-images-idx3-ubyte`, 3);
  const labels = readIdxFile(dir, `${prefix}-labels-idx1-ubyte`, 1);
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) {
    throw new Error(
      `${labels.path}: count mismatch: ${labels.dims[0]} labels, expected ${count} to match the ` +
        `images in ${images.path}`,
    );
  }
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = BYTE_TO_UNIT[images.data[i]];
  const bad = labels.data.findIndex((label) => label >= CLASSES);
  if (bad >= 0) {
    throw new Error(`${labels.path}: label ${labels.data[bad]} at index ${bad}, expected 0..${CLASSES - 1}`);
  }
  return { images: new Tensor(pixels, [count, rows * cols]), labels: oneHot(labels.data, CLASSES) };
}

/**
 * MNIST or Fashion-MNIST from the four standard IDX files in `dir` (`train-images-idx3-ubyte`,
 * `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each raw or
 * `.gz`): images `[n, rows·cols]` scaled to [0, 1], labels one-hot `[n, 10]`.
 */
export function loadIdx(dir: string): Dataset {
  const train = loadSplit(dir, 'train');
  const test = loadSplit(dir, 't10k');
  if (train.images.shape[1] !== test.images.shape[1]) {
    throw new Error(
      `loadIdx: ${dir}: train images have ${train.images.shape[1]} pixels but test images ` +
        `${test.images.shape[1]}; they must be the same size`,
    );
  }
  return {
    trainImages: train.images,
    trainLabels: train.labels,
    testImages: test.images,
    testLabels: test.labels,
  };
}
