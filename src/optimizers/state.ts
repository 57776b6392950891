// The optimizer state: opaque and functional. An update never changes a state; it returns a new
// one (arrays it did not change are shared, which is safe because nothing ever writes to them).
import type { Tensor } from '../tensor.js';
import type { TreeDef } from '../tree.js';

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
  /** @internal the parameters, one tensor per leaf in tree.flatten order */
  readonly params: readonly Tensor[];
  /** @internal slotsOf(kind) → one Float32Array per leaf */
  readonly slots: Readonly<Record<string, readonly Float32Array[]>>;

  /** @internal made by init, update and deserialize only */
  constructor(
    kind: OptimizerKind,
    step: number,
    treedef: TreeDef,
    params: readonly Tensor[],
    slots: Record<string, readonly Float32Array[]>,
  ) {
    this.kind = kind;
    this.step = step;
    this.treedef = treedef;
    this.params = Object.freeze([...params]);
    this.slots = Object.freeze(
      Object.fromEntries(Object.entries(slots).map(([name, arrays]) => [name, Object.freeze([...arrays])])),
    );
    Object.freeze(this);
  }

  toString(): string {
    return `OptimizerState(${this.kind}, step ${this.step}, ${this.params.length} leaves)`;
  }
}
