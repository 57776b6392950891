// The framing serialized optimizer states and checkpoints share:
//   8 bytes   magic (the format's name)
//   u32 LE    format version
//   u32 LE    header length in bytes
//   header    UTF-8 JSON
//   body      the format's own bytes (from bodyStart)
//   u32 LE    CRC-32 of every byte before it
// A reader opens a frame trusting nothing before the checksum is checked: any changed byte is
// refused, and every error goes through the format's own `invalid`, which names the source.
import { crc32 } from './crc32.js';

/** Where the header starts, and the size of the trailing checksum. */
export const FRAME_PREFIX = 16;
export const FRAME_CHECKSUM_BYTES = 4;
const PREFIX = FRAME_PREFIX;
const CHECKSUM_BYTES = FRAME_CHECKSUM_BYTES;

/** A frame of `bodyLength` body bytes at `bodyStart(headerLength)`, prefix and header written. */
export function newFrame(
  magic: string,
  version: number,
  header: unknown,
  bodyLength: number,
  bodyStart: (headerEnd: number) => number = (end) => end,
): { bytes: Uint8Array; body: number } {
  const text = new TextEncoder().encode(JSON.stringify(header));
  const body = bodyStart(PREFIX + text.length);
  const bytes = new Uint8Array(body + bodyLength + CHECKSUM_BYTES);
  for (let c = 0; c < magic.length; c++) bytes[c] = magic.charCodeAt(c);
  const view = new DataView(bytes.buffer);
  view.setUint32(8, version, true);
  view.setUint32(12, text.length, true);
  bytes.set(text, PREFIX);
  return { bytes, body };
}

/** Writes the trailing checksum; call once the body is filled in. */
export function sealFrame(bytes: Uint8Array): Uint8Array {
  const end = bytes.length - CHECKSUM_BYTES;
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(end, crc32(bytes.subarray(0, end)), true);
  return bytes;
}

export interface OpenedFrame {
  /** The parsed header (an object). */
  header: Record<string, any>;
  /** Where the header ends and the checksum starts. */
  headerEnd: number;
  end: number;
}

/**
 * Checks magic, version and checksum and parses the header. `damaged(headerEnd)` may explain a
 * checksum mismatch better (e.g. a length the header does not allow); it returns nothing to
 * fall back to "checksum mismatch".
 */
export function openFrame(
  bytes: Uint8Array,
  magic: string,
  version: number,
  invalid: (why: string) => never,
  damaged: (headerEnd: number) => void = () => {},
): OpenedFrame {
  if (bytes.length < PREFIX + CHECKSUM_BYTES) invalid(`only ${bytes.length} bytes`);
  for (let c = 0; c < magic.length; c++) if (bytes[c] !== magic.charCodeAt(c)) invalid('wrong magic bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(8, true);
  if (found !== version) invalid(`format version ${found}, this library reads ${version}`);
  const headerEnd = PREFIX + view.getUint32(12, true);
  if (headerEnd + CHECKSUM_BYTES > bytes.length) invalid(`truncated header: ${bytes.length} bytes, the header alone needs ${headerEnd}`);
  const end = bytes.length - CHECKSUM_BYTES;
  if (view.getUint32(end, true) !== crc32(bytes.subarray(0, end))) {
    damaged(headerEnd);
    invalid('checksum mismatch: the bytes were damaged');
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX, headerEnd)));
  } catch {
    return invalid('unreadable header');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) invalid('unreadable header');
  return { header: header as Record<string, any>, headerEnd, end };
}
