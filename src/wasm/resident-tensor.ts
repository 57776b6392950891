// Tensors whose numbers stay in wasm memory: what the transforms return (gradients, Hessian
// estimates), so that an optimizer update reads them where they are instead of copying them back
// in. Each tensor's numbers sit in its own long-lived block (resident.ts) until the first read of
// `data`, which copies them out to a JS Float32Array and frees the block: from then on it is an
// ordinary tensor, so a caller who reads or writes `data` can never see two copies disagree.
//
// The blocks go back on that first read, on dispose (the way for tight loops), or when the tensor
// becomes unreachable and the engine finalizes it (a FinalizationRegistry, which only runs between
// tasks, never inside a synchronous loop). So that a synchronous loop that neither disposes nor
// yields cannot fill wasm memory, at most RESIDENT_RESULTS transform results (one call's trees)
// hold blocks at once; beyond that a transform's tensors hold JS arrays from the start.
import { Tensor, INSPECT, formatShape, sizeOf, type Shape } from '../tensor.js';
import { copyOut } from './arena.js';
import { allocBlock, freeBlock } from './resident.js';

/** At most this many transform results hold blocks at once (a loop needs the one it is using). */
export const RESIDENT_RESULTS = 4;

/** How many transform results hold blocks now. */
let residentCount = 0;

/** How many transform results hold wasm blocks now (for tests). */
export function residentResults(): number {
  return residentCount;
}

/** One transform result's blocks: it stops counting against the bound when the last goes back. */
class ResultBlocks {
  live: number;
  constructor(count: number) {
    this.live = count;
  }
  giveBack(): void {
    if (--this.live === 0) residentCount--;
  }
}

/** One tensor's block, owned jointly by the tensor and the finalizer until freed. */
interface Block {
  ptr: number; // -1 once freed
  count: number;
  result: ResultBlocks;
}

function freeOnce(block: Block): void {
  if (block.ptr < 0) return;
  freeBlock(block.ptr, block.count);
  block.ptr = -1;
  block.result.giveBack();
}

const finalizer = new FinalizationRegistry<Block>(freeOnce);

/**
 * Blocks for one transform result of `shapes` (contents undefined), or null when RESIDENT_RESULTS
 * results hold blocks already or wasm cannot hand them out now (an arena scope is open). Claim
 * them before the transform opens its own scope.
 */
export function claimResult(shapes: readonly Shape[]): number[] | null {
  if (residentCount >= RESIDENT_RESULTS || shapes.length === 0) return null;
  const ptrs: number[] = [];
  for (const shape of shapes) {
    const ptr = allocBlock(sizeOf(shape));
    if (ptr < 0) {
      ptrs.forEach((p, k) => freeBlock(p, sizeOf(shapes[k])));
      return null;
    }
    ptrs.push(ptr);
  }
  residentCount++;
  return ptrs;
}

/**
 * Hands the blocks of claimResult (filled) to new tensors, one per shape. Until then the caller
 * owns them: a transform that throws gives them back with releaseResult.
 */
export function residentTensors(shapes: readonly Shape[], ptrs: readonly number[]): ResidentTensor[] {
  const result = new ResultBlocks(shapes.length);
  return shapes.map((shape, k) => new ResidentTensor(shape, { ptr: ptrs[k], count: sizeOf(shape), result }, null));
}

/** Gives back the blocks of a claimResult that no tensor took. */
export function releaseResult(shapes: readonly Shape[], ptrs: readonly number[]): void {
  ptrs.forEach((p, k) => freeBlock(p, sizeOf(shapes[k])));
  residentCount--;
}

/** A transform's result tensor in JS memory (beyond the bound), disposable like a resident one. */
export function detachedTensor(data: Float32Array, shape: Shape): ResidentTensor {
  return new ResidentTensor(shape, null, data);
}

/**
 * A result of a transform: its numbers in a wasm block until `data` is first read (see above),
 * or in JS memory. `dispose()` frees them; `data` then throws.
 */
export class ResidentTensor extends Tensor {
  #block: Block | null;
  #js: Float32Array | null;
  #disposed = false;

  /** @internal made by the transforms only */
  constructor(shape: Shape, block: Block | null, js: Float32Array | null) {
    super(js ?? NO_DATA, shape, js === null);
    this.#block = block;
    this.#js = js;
    if (block) finalizer.register(this, block, block);
  }

  /** The values, row-major: the first read copies them out of wasm memory and frees the block. */
  override get data(): Float32Array {
    if (this.#js) return this.#js;
    if (this.#disposed) {
      throw new Error(
        `this tensor (shape ${formatShape(this.shape)}) was disposed (dispose()), and its values with it; ` +
          'read .data before disposing, or keep a copy',
      );
    }
    const block = this.#block!;
    this.#js = copyOut(block.ptr, block.count);
    this.#release();
    return this.#js;
  }

  /** The block's address while the numbers are still in wasm memory, else -1 (for update()). */
  get address(): number {
    return this.#block ? this.#block.ptr : -1;
  }

  /** Frees the numbers (wasm block or JS array); `data` then throws. Safe to call twice. */
  dispose(): void {
    this.#disposed = true;
    this.#js = null;
    this.#release();
  }

  get isDisposed(): boolean {
    return this.#disposed;
  }

  override [INSPECT](): string {
    return this.#disposed ? `Tensor(disposed, shape=${formatShape(this.shape)})` : super[INSPECT]();
  }

  #release(): void {
    if (!this.#block) return;
    finalizer.unregister(this.#block);
    freeOnce(this.#block);
    this.#block = null;
  }
}

const NO_DATA = new Float32Array(0);
