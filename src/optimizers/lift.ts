// Lifting a per-leaf optimizer step to parameter trees, once for every optimizer (what
// jax.example_libraries.optimizers' @optimizer decorator does), plus the arena work around it:
//
//   1. check everything: the step i, the state, each input tree's structure and leaf shapes;
//   2. take the new state's own wasm blocks (storage.ts); the inputs are read where they are when
//      they are still in wasm memory (transform results, src/wasm/resident-tensor.ts), else
//      copied into the arena;
//   3. run the leaf kernels (they also report NaN/Inf in their inputs and outputs): from the old
//      state's blocks into the new ones when the old state is resident, so nothing is copied;
//      in place in the new blocks when the old state is in JS memory (copied in first);
//   4. hand the blocks to the new state: nothing is copied out.
//
// The old state's arrays are only read, so any throw leaves every state usable (the new blocks
// go back).
import { f32, allocF32, copyOut, scoped } from '../wasm/arena.js';
import { ResidentTensor } from '../wasm/resident-tensor.js';
import { Tensor, describe, formatShape, isTensor, type Shape } from '../tensor.js';
import { flatten, formatTreeDef, sameStructure, unflatten, type Tree } from '../tree.js';
import { leafPaths } from './paths.js';
import { OptimizerState, slotsOf, type OptimizerKind } from './state.js';
import { StateArrays } from './storage.js';

/** A leaf's parameters and slots in wasm memory (byte addresses). */
export interface LeafAddresses {
  x: number;
  slots: Record<string, number>;
}

/** One leaf's arrays in wasm memory, for a rule to read `old` and write `next` (the same addresses: in place). */
export interface ArenaLeaf {
  index: number;
  shape: Shape;
  size: number;
  old: LeafAddresses;
  next: LeafAddresses;
  /** One address per input tree (grads, hessians); 0 where that input is null. */
  inputs: number[];
}

/** What one optimizer does to one leaf. */
export interface LeafRule {
  kind: OptimizerKind;
  /** The input trees update takes after i, e.g. ['grads'] or ['grads', 'hessians']. */
  inputs: readonly string[];
  /** Runs the kernels for one leaf, old into next; returns true when an input or output held NaN or ±Inf. */
  step(leaf: ArenaLeaf): boolean;
  /** The slots this step rewrites (the rest are shared with the old state). */
  writes: readonly string[];
}

/** The state arrays of a registered optimizer kind. */
function slotNames(kind: OptimizerKind): readonly string[] {
  const slots = slotsOf(kind);
  if (!slots) throw new TypeError(`unknown optimizer '${kind}'`);
  return slots;
}

/** The flat index of the first NaN or ±Inf in `data`, or -1. */
function firstNonFinite(data: Float32Array): number {
  for (let e = 0; e < data.length; e++) if (!Number.isFinite(data[e])) return e;
  return -1;
}

/**
 * A fresh state for `params` with every slot zero (the parameters are copied). Parameters must
 * be finite: a NaN would otherwise ride through every later step.
 */
export function initState(kind: OptimizerKind, params: Tree): OptimizerState {
  const [leaves, treedef] = flatten(params);
  const paths = leafPaths(treedef);
  const tensors = leaves.map((leaf, k) => {
    if (!isTensor(leaf)) {
      throw new TypeError(`${kind} init: params leaf ${k} (${paths[k]}) must be a Tensor, got ${describe(leaf)}`);
    }
    const bad = firstNonFinite(leaf.data);
    if (bad >= 0) {
      throw new RangeError(`${kind} init: params leaf ${k} (${paths[k]}) holds ${leaf.data[bad]} at flat index ${bad}; expected finite numbers`);
    }
    return new Tensor(leaf.data.slice(), leaf.shape);
  });
  const slots = Object.fromEntries(
    slotNames(kind).map((name) => [name, tensors.map((t) => new Float32Array(t.size))]),
  );
  return OptimizerState.fromArrays(kind, 0, treedef, tensors, slots);
}

/** The parameter tree of a state, as copies: writing into them cannot change the state. */
export function paramsOf(state: OptimizerState): Tree<Tensor> {
  return unflatten(state.treedef, state.params);
}

export function checkState(kind: OptimizerKind, state: unknown): OptimizerState {
  if (!(state instanceof OptimizerState)) {
    throw new TypeError(`${kind}: expected an optimizer state (from init or deserialize), got ${describe(state)}`);
  }
  if (state.kind !== kind) {
    throw new TypeError(`${kind}: this state was made by ${state.kind}, not ${kind}`);
  }
  if (state.arrays.isReleased) {
    throw new TypeError(`${kind}: this state was disposed (state.dispose()); use a state from a later update`);
  }
  return state;
}

export function checkStepIndex(kind: OptimizerKind, i: unknown): number {
  if (typeof i !== 'number' || !Number.isSafeInteger(i) || i < 0) {
    throw new RangeError(`${kind} update: the step i must be an integer ≥ 0, got ${typeof i === 'number' ? i : describe(i)}`);
  }
  return i;
}

/** The input tree's leaves, checked against the state's structure and shapes. */
function inputLeaves(kind: OptimizerKind, name: string, input: Tree, state: OptimizerState): Tensor[] {
  const [leaves, def] = flatten(input);
  if (!sameStructure(def, state.treedef)) {
    throw new TypeError(
      `${kind} update: ${name} has structure ${formatTreeDef(def)} but params have ${formatTreeDef(state.treedef)}`,
    );
  }
  const paths = leafPaths(def);
  return leaves.map((leaf, k) => {
    if (!isTensor(leaf)) {
      throw new TypeError(`${kind} update: ${name} leaf ${k} (${paths[k]}) must be a Tensor, got ${describe(leaf)}`);
    }
    if (leaf instanceof ResidentTensor && leaf.isDisposed) {
      throw new TypeError(`${kind} update: ${name} leaf ${k} (${paths[k]}) was disposed (dispose()); its values are gone`);
    }
    const want = state.shapes[k];
    if (leaf.shape.length !== want.length || leaf.shape.some((d, a) => d !== want[a])) {
      throw new RangeError(
        `${kind} update: ${name} leaf ${k} (${paths[k]}) has shape ${formatShape(leaf.shape)} ` +
          `but the params leaf has shape ${formatShape(want)}`,
      );
    }
    return leaf;
  });
}

/** An input leaf's block address while its numbers are still in wasm memory, else -1. */
function residentAddress(t: Tensor): number {
  return t instanceof ResidentTensor ? t.address : -1;
}

/** Where the kernels read an input leaf: its block, or room in the arena that it is copied into. */
function inputAddress(t: Tensor): number {
  const resident = residentAddress(t);
  return resident >= 0 ? resident : allocF32(t.size);
}

/** How messages name a state array. */
const ARRAY_NAMES: Record<string, string> = {
  m: 'the first moment m',
  v: 'the second moment v',
  velocity: 'the velocity',
};

/**
 * Throws for a leaf whose kernel flagged a NaN/±Inf: the first one among its inputs, else the
 * first among the new state arrays and parameters in the arena (finite inputs that overflowed
 * float32, e.g. v = +Inf, which would freeze the parameter for good).
 */
function throwNonFinite(
  kind: OptimizerKind,
  names: readonly string[],
  inputs: (Tensor[] | null)[],
  leaf: ArenaLeaf,
  written: readonly string[],
  paths: string[],
): never {
  const k = leaf.index;
  for (let n = 0; n < names.length; n++) {
    const data = inputs[n]?.[k].data;
    const e = data ? firstNonFinite(data) : -1;
    if (data && e >= 0) {
      throw new RangeError(
        `${kind} update: ${names[n]} leaf ${k} (${paths[k]}) holds ${data[e]} at flat index ${e}; ` +
          `nothing was updated`,
      );
    }
  }
  const outputs: [string, number][] = [
    ...written.map((s): [string, number] => [ARRAY_NAMES[s] ?? s, leaf.next.slots[s]]),
    ['params', leaf.next.x],
  ];
  for (const [what, address] of outputs) {
    const data = f32(address, leaf.size);
    const e = firstNonFinite(data);
    if (e >= 0) {
      throw new RangeError(
        `${kind} update: ${what} leaf ${k} (${paths[k]}) would hold ${data[e]} at flat index ${e} ` +
          `(float32 overflow; a smaller step size or loss scale avoids it); nothing was updated`,
      );
    }
  }
  throw new RangeError(`${kind} update: ${names.join(' or ')} leaf ${k} (${paths[k]}) overflowed float32 in the update; nothing was updated`);
}

/**
 * One update of every leaf by `rule`: returns the new state with `step = i + 1`. `inputs` holds
 * one tree per rule input (null where allowed, e.g. a delayed Hessian), in rule.inputs order.
 */
export function updateTree(rule: LeafRule, i: number, inputs: (Tree | null)[], state: OptimizerState): OptimizerState {
  const kind = rule.kind;
  const inputLeavesList = inputs.map((t, n) => (t === null ? null : inputLeaves(kind, rule.inputs[n], t, state)));
  const written = rule.writes;
  const slots = slotNames(kind);
  const sizes = state.arrays.sizes;
  const count = sizes.length;
  // The new state's own blocks; null inside an arena scope, where the work happens in the arena
  // and the result is copied out to JS memory.
  const owned = StateArrays.allocate(sizes, 1 + slots.length);

  try {
    return scoped(() => {
      // Reserve everything first: growing memory detaches views, so copy only afterwards.
      const place = (group: number, k: number) => (owned ? owned.address(group, k) : allocF32(sizes[k]));
      const addresses = (k: number, at: (group: number, k: number) => number): LeafAddresses => ({
        x: at(0, k),
        slots: Object.fromEntries(slots.map((s, n) => [s, at(n + 1, k)])),
      });
      const resident = state.arrays.isResident;
      const leaves: ArenaLeaf[] = state.shapes.map((shape, k) => {
        const next = addresses(k, place);
        return {
          index: k,
          shape,
          size: sizes[k],
          old: resident ? addresses(k, (group, leaf) => state.arrays.address(group, leaf)) : next,
          next,
          inputs: inputLeavesList.map((l) => (l === null ? 0 : inputAddress(l[k]))),
        };
      });
      for (let k = 0; k < count; k++) {
        const leaf = leaves[k];
        if (!resident) {
          state.arrays.copyTo(0, k, leaf.next.x);
          slots.forEach((s, n) => state.arrays.copyTo(n + 1, k, leaf.next.slots[s]));
        }
        inputLeavesList.forEach((l, m) => {
          if (l !== null && residentAddress(l[k]) < 0) f32(leaf.inputs[m], leaf.size).set(l[k].data);
        });
      }

      for (let k = 0; k < count; k++) {
        if (rule.step(leaves[k])) throwNonFinite(kind, rule.inputs, inputLeavesList, leaves[k], written, leafPaths(state.treedef));
      }

      if (owned) {
        const next = new OptimizerState(kind, i + 1, state.treedef, state.shapes, owned);
        owned.adopt(next);
        return next;
      }
      const groups = [
        leaves.map((leaf) => copyOut(leaf.next.x, leaf.size)),
        ...slots.map((s) => leaves.map((leaf) => copyOut(leaf.next.slots[s], leaf.size))),
      ];
      return new OptimizerState(kind, i + 1, state.treedef, state.shapes, StateArrays.fromJs(sizes, groups));
    });
  } catch (error) {
    owned?.release();
    throw error;
  }
}
