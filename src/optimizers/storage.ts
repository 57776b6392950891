// Where an optimizer state's arrays live. A state made by update keeps its parameters and slots
// in long-lived wasm blocks (src/wasm/resident.ts), so the next update's kernels read them there
// and write the next state's own blocks; nothing is copied in or out. Each state owns its
// blocks, so states stay immutable values. The blocks go back when the state is disposed
// (state.dispose(), the way for tight loops) or when the state becomes unreachable and the engine
// finalizes it (a FinalizationRegistry, which only runs between tasks, never inside a synchronous
// loop). So that a synchronous loop that neither disposes nor yields cannot fill wasm memory, at
// most RESIDENT_STATES states hold blocks at once; beyond that an update works in the arena and
// copies its result out to JS memory (as every update did before states stayed in wasm). States
// from init or deserialize are in JS memory.
import { f32 } from '../wasm/arena.js';
import { allocBlock, freeBlock } from '../wasm/resident.js';

/** At most this many states hold blocks at once (a loop needs the state it reads and the one it makes). */
export const RESIDENT_STATES = 4;

/** How many states hold blocks now. */
let residentCount = 0;

/** How many states hold wasm blocks now (for tests). */
export function residentStates(): number {
  return residentCount;
}

const finalizer = new FinalizationRegistry<StateArrays>((arrays) => arrays.release());

/** One state's arrays: `groups` (params, then each slot) × leaves, in wasm blocks or JS arrays. */
export class StateArrays {
  readonly sizes: readonly number[];
  /** One block address per group and leaf while resident; else null. */
  private blocks: number[][] | null;
  /** The arrays in JS memory while not resident; else null. */
  private js: Float32Array[][] | null;
  private released = false;

  private constructor(sizes: readonly number[], blocks: number[][] | null, js: Float32Array[][] | null) {
    this.sizes = sizes;
    this.blocks = blocks;
    this.js = js;
  }

  /** Arrays held in JS memory (taken over, not copied: the caller must not write them later). */
  static fromJs(sizes: readonly number[], groups: Float32Array[][]): StateArrays {
    return new StateArrays(sizes, null, groups);
  }

  /**
   * Fresh blocks for `groupCount` groups (contents undefined), or null when RESIDENT_STATES states
   * hold blocks already or wasm cannot hand them out now (inside an arena scope): the caller then
   * works in the arena instead.
   */
  static allocate(sizes: readonly number[], groupCount: number): StateArrays | null {
    if (residentCount >= RESIDENT_STATES) return null;
    const blocks: number[][] = [];
    for (let g = 0; g < groupCount; g++) {
      const row: number[] = [];
      for (const n of sizes) {
        const ptr = allocBlock(n);
        if (ptr < 0) {
          row.forEach((p, k) => freeBlock(p, sizes[k]));
          blocks.forEach((r) => r.forEach((p, k) => freeBlock(p, sizes[k])));
          return null;
        }
        row.push(ptr);
      }
      blocks.push(row);
    }
    residentCount++;
    return new StateArrays(sizes, blocks, null);
  }

  /** Frees the blocks once `owner` (the state holding them) is unreachable. */
  adopt(owner: object): void {
    finalizer.register(owner, this, this);
  }

  /** The block address of a group's leaf, or -1 when the arrays are in JS memory. */
  address(group: number, leaf: number): number {
    this.check();
    return this.blocks ? this.blocks[group][leaf] : -1;
  }

  /** Copies a group's leaf, held in JS memory, into wasm memory at `ptr` (resident arrays are read where they are). */
  copyTo(group: number, leaf: number, ptr: number): void {
    this.check();
    if (!this.js) throw new Error('copyTo: these arrays are in wasm memory; read them at address()');
    f32(ptr, this.sizes[leaf]).set(this.js[group][leaf]);
  }

  /** A copy of a group's leaf in JS memory. */
  read(group: number, leaf: number): Float32Array {
    this.check();
    const n = this.sizes[leaf];
    return this.blocks ? new Float32Array(f32(this.blocks[group][leaf], n)) : this.js![group][leaf].slice();
  }

  /** Whether the arrays are in wasm blocks (address() gives them) rather than JS memory. */
  get isResident(): boolean {
    this.check();
    return this.blocks !== null;
  }

  /** Frees everything: the state can no longer be used. Safe to call twice. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.freeBlocks();
    this.js = null;
    finalizer.unregister(this);
  }

  get isReleased(): boolean {
    return this.released;
  }

  private freeBlocks(): void {
    if (!this.blocks) return;
    this.blocks.forEach((row) => row.forEach((ptr, k) => freeBlock(ptr, this.sizes[k])));
    this.blocks = null;
    residentCount--;
  }

  private check(): void {
    if (this.released) throw new Error('this optimizer state was disposed');
  }
}
