// The optimizer state: opaque and functional. An update never changes a state; it returns a new
// one (arrays it did not change are shared, which is safe because nothing ever writes to them).
import type { Tensor } from '../tensor.js';
import type { TreeDef } from '../tree.js';

export type OptimizerKind = 'adahessian' | 'adam' | 'sgd' | 'momentum';

/** The state arrays each optimizer keeps besides the parameters, zero at init. */
export const SLOTS: Readonly<Record<OptimizerKind, readonly string[]>> = {
  adahessian: ['m', 'v'], // first moment of the gradient, second moment of D (the Hessian diagonal)
  adam: ['m', 'v'], // first and second moments of the gradient
  sgd: [],
  momentum: ['velocity'],
};

export class OptimizerState {
  /** Which optimizer made this state (an update by another optimizer throws). */
  readonly kind: OptimizerKind;
  /** How many steps led here: i + 1 of the last update (0 after init). Flax uses it as i. */
  readonly step: number;
  /** @internal the parameter tree's structure */
  readonly treedef: TreeDef;
  /** @internal the parameters, one tensor per leaf in tree.flatten order */
  readonly params: readonly Tensor[];
  /** @internal SLOTS[kind] → one Float32Array per leaf */
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
