// Long-lived float32 blocks in wasm memory, for data that outlives a call (optimizer states).
// Blocks are claimed from the arena's floor once and then recycled: a freed block goes on a free
// list for its exact size, and the next request of that size takes it back. A model's arrays have
// the same few sizes at every step, so a training loop reaches a fixed footprint after its first
// steps and stays there.
import { claimLongLived } from './arena.js';

const free = new Map<number, number[]>();

/** Bytes a block of `count` floats occupies (the arena's 64-byte alignment). */
function blockBytes(count: number): number {
  return Math.ceil((count * 4) / 64) * 64;
}

/** A block for `count` floats (contents undefined), or -1 when none can be had now (a scope is open). */
export function allocBlock(count: number): number {
  const bytes = blockBytes(count);
  const reuse = free.get(bytes)?.pop();
  return reuse ?? claimLongLived(bytes);
}

/** Gives a block back for reuse. */
export function freeBlock(ptr: number, count: number): void {
  const bytes = blockBytes(count);
  let list = free.get(bytes);
  if (!list) free.set(bytes, (list = []));
  list.push(ptr);
}
