// The optimizer state: opaque and functional. An update never changes a state; it returns a new
// one that owns its own arrays (storage.ts: in wasm memory between updates).
import { Tensor, type Shape } from '../tensor.js';
import type { TreeDef } from '../tree.js';
import { StateArrays } from './storage.js';

/** The name of the optimizer that made a state ('adahessian', 'adam', ...). */
export type OptimizerKind = string;

/** The state arrays each optimizer keeps besides the parameters, registered by its spec (spec.ts). */
const SLOTS = new Map<OptimizerKind, readonly string[]>();

/** Registers an optimizer's state arrays; a kind registered twice must keep the same slots. */
export function registerKind(kind: OptimizerKind, slots: readonly string[]): void {
  const known = SLOTS.get(kind);
  if (known && known.join() !== slots.join()) throw new Error(`optimizer '${kind}' is already registered with slots ${known.join(', ')}`);
  SLOTS.set(kind, Object.freeze([...slots]));
}

/** The state arrays of `kind`, or undefined for a kind no optimizer registered. */
export function slotsOf(kind: OptimizerKind): readonly string[] | undefined {
  return SLOTS.get(kind);
}

export class OptimizerState {
  /** Which optimizer made this state (an update by another optimizer throws). */
  readonly kind: OptimizerKind;
  /** How many steps led here: i + 1 of the last update (0 after init). Flax uses it as i. */
  readonly step: number;
  /** @internal the parameter tree's structure */
  readonly treedef: TreeDef;
  /** @internal the parameters' shapes, one per leaf in tree.flatten order */
  readonly shapes: readonly Shape[];
  /** @internal the parameters, then each slot of slotsOf(kind), per leaf (see storage.ts) */
  readonly arrays: StateArrays;

  /** @internal made by init, update and deserialize only */
  constructor(kind: OptimizerKind, step: number, treedef: TreeDef, shapes: readonly Shape[], arrays: StateArrays) {
    this.kind = kind;
    this.step = step;
    this.treedef = treedef;
    this.shapes = Object.freeze([...shapes]);
    this.arrays = arrays;
    Object.freeze(this);
  }

  /** @internal a state over JS arrays (taken over, not copied): init and deserialize */
  static fromArrays(
    kind: OptimizerKind,
    step: number,
    treedef: TreeDef,
    params: readonly Tensor[],
    slots: Record<string, readonly Float32Array[]>,
  ): OptimizerState {
    const groups = [params.map((p) => p.data), ...slotsOf(kind)!.map((s) => [...slots[s]])];
    return new OptimizerState(kind, step, treedef, params.map((p) => p.shape), StateArrays.fromJs(params.map((p) => p.size), groups));
  }

  /** @internal copies of the parameters, one tensor per leaf in tree.flatten order */
  get params(): Tensor[] {
    return this.shapes.map((shape, k) => new Tensor(this.arrays.read(0, k), shape));
  }

  /** @internal copies of the slots: slotsOf(kind) → one Float32Array per leaf */
  get slots(): Record<string, Float32Array[]> {
    return Object.fromEntries(slotsOf(this.kind)!.map((s, n) => [s, this.shapes.map((_, k) => this.arrays.read(n + 1, k))]));
  }

  /**
   * Frees the wasm memory this state holds; the state can no longer be used. Optional: an
   * unreachable state is freed anyway, but only between tasks, so a synchronous loop keeps its
   * states in wasm memory (and its updates fast) only when it disposes the state it replaces.
   */
  dispose(): void {
    this.arrays.release();
  }

  toString(): string {
    return `OptimizerState(${this.kind}, step ${this.step}, ${this.shapes.length} leaves)`;
  }
}
