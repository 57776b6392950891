// The optimizer triple of jax.example_libraries.optimizers: `[init, update, getParams]`, which
// destructures as an array and also offers `.init`, `.update` and `.getParams`.
import type { Tensor } from '../tensor.js';
import type { Tree } from '../tree.js';
import type { OptimizerState } from './state.js';

/** The parameter tree of a state, shaped like the tree given to init. */
export type GetParams = (state: OptimizerState) => Tree<Tensor>;

export type Triple<I, U, G> = readonly [I, U, G] & {
  readonly init: I;
  readonly update: U;
  readonly getParams: G;
};

export function triple<I, U, G>(init: I, update: U, getParams: G): Triple<I, U, G> {
  const t = [init, update, getParams] as const;
  return Object.freeze(Object.assign(t, { init, update, getParams })) as unknown as Triple<I, U, G>;
}
