// The transforms: grad, valueAndGrad, hvp, gradAndHessian, valueGradAndHessian.
// Each call runs the user's function once per pass inside a Trace (see trace.ts), sweeps back from
// its scalar output, moves the result trees' numbers into long-lived wasm blocks (claimed before
// the call's arena scope opens; src/wasm/resident-tensor.ts), and releases everything else. The
// results stay there until read, so an optimizer update takes them without a copy; when no
// blocks can be had they are copied out to JS memory instead.
import { Tensor, describe, formatShape, isTensor, type Shape } from '../tensor.js';
import * as tree from '../tree.js';
import type { Tree, TreeDef } from '../tree.js';
import { allocF32, copyOut, f32, scoped } from '../wasm/arena.js';
import { core } from '../wasm/instance.js';
import { claimResult, detachedTensor, releaseResult, residentTensors } from '../wasm/resident-tensor.js';
import { activeTrace, Trace, Tracer, withTrace, type TangentWriter } from './trace.js';
import { knownKeys } from '../options.js';
import * as random from '../random.js';
import type { Key } from '../random.js';

type Fun = (...args: any[]) => Tensor;

function checkArgs(funInput: unknown, argnum: number, who: string): unknown[] {
  if (activeTrace()) {
    throw new Error(`${who}: transforms do not nest (it was called inside another transform's function)`);
  }
  if (!Array.isArray(funInput)) {
    throw new TypeError(
      `${who}: funInput must be an array of the function's arguments (the seed's tuple), ` +
        `got ${describe(funInput)}; for a single argument pass [input]`,
    );
  }
  if (!Number.isInteger(argnum)) {
    throw new TypeError(`${who}: argnum must be an integer, got ${typeof argnum === 'string' ? `string '${argnum}'` : describe(argnum)}`);
  }
  if (argnum < 0 || argnum >= funInput.length) {
    throw new RangeError(
      `${who}: argnum ${argnum} is out of range for ${funInput.length} argument(s) (expected 0..${funInput.length - 1})`,
    );
  }
  return funInput;
}

function argumentLeaves(arg: unknown, who: string): [Tensor[], TreeDef] {
  const [leaves, def] = tree.flatten(arg);
  leaves.forEach((leaf, i) => {
    if (leaf instanceof Tracer) {
      throw new TypeError(
        `${who}: leaf ${i} of the differentiated argument is a value traced inside an earlier transform, ` +
          `which has ended (shape ${formatShape(leaf.shape)}); return the value from that function and pass the Tensor it gives`,
      );
    }
    if (!isTensor(leaf)) {
      throw new TypeError(
        `${who}: leaf ${i} of the differentiated argument (structure ${tree.formatTreeDef(def)}) ` +
          `must be a Tensor, got ${describe(leaf)}`,
      );
    }
  });
  if (leaves.length === 0) throw new TypeError(`${who}: the differentiated argument has no Tensor leaves`);
  return [leaves as Tensor[], def];
}

/** The differentiated argument, flattened and checked once per call. */
interface Argument {
  argnum: number;
  leaves: Tensor[];
  def: TreeDef;
}

function argument(args: unknown[], argnum: number, who: string): Argument {
  const [leaves, def] = argumentLeaves(args[argnum], who);
  return { argnum, leaves, def };
}

/** Where a pass leaves its results in wasm memory (valid until the enclosing scope ends). */
interface Pass {
  value: number;
  inputs: Tracer[];
  def: TreeDef;
}

/**
 * When fun fails and was not given as many arguments as it declares, the likely cause: for
 * gradAndHessian(loss, params, key), params (an array) was taken as the list of loss's arguments.
 */
function argumentCountHint(fun: Fun, given: number, who: string): string {
  if (fun.length === 0 || fun.length === given) return '';
  const source =
    who === 'valueAndGrad'
      ? 'its call'
      : "funInput, which must be the array of fun's arguments (such as [params, batch], the seed's tuple), not one argument";
  return ` (fun declares ${fun.length} parameter(s) but got ${given} from ${source})`;
}

/** Result blocks that the inputs' x̄ and ẋ̄ are written into directly (see Tracer.ctHome). */
interface Homes {
  ct?: number[] | null;
  ctDot?: number[] | null;
}

/**
 * Runs `fun` on `args` with leaf tangents `directions` (null: gradient only), then the reverse
 * sweep. Must be called inside `scoped`; the returned addresses die with that scope, except
 * those in `homes`.
 */
function differentiate(
  fun: Fun, args: unknown[], arg: Argument, directions: TangentWriter[] | null, who: string, homes: Homes = {},
): Pass {
  if (typeof fun !== 'function') throw new TypeError(`${who}: fun must be a function, got ${describe(fun)}`);
  const { argnum, leaves, def } = arg;
  const trace = new Trace(directions ? 'hvp' : 'grad');
  return withTrace(trace, () => {
    const inputs = leaves.map((leaf, i) => trace.input(leaf, directions ? directions[i] : null));
    inputs.forEach((x, i) => {
      x.ctHome = homes.ct?.[i] ?? 0;
      x.ctDotHome = homes.ctDot?.[i] ?? 0;
    });
    const traced = [...args];
    traced[argnum] = tree.unflatten(def, inputs);
    const hint = argumentCountHint(fun, args.length, who);
    let out: unknown;
    try {
      out = fun(...traced);
    } catch (e) {
      if (hint === '' || !(e instanceof Error)) throw e;
      throw new TypeError(`${who}: fun threw: ${e.message}${hint}`, { cause: e });
    }
    if (!isTensor(out)) {
      throw new TypeError(`${who}: fun must return a scalar Tensor (shape []), got ${describe(out)}${hint}`);
    }
    if (out.shape.length !== 0) {
      throw new TypeError(`${who}: fun must return a scalar (shape []), got shape ${formatShape(out.shape)}${hint}`);
    }
    const y = out instanceof Tracer ? out : trace.constant(out);
    if (y.trace !== trace) y.assertLive();
    const value = copyOut(y.primal, 1)[0];
    if (!Number.isFinite(value)) {
      throw new RangeError(`${who}: fun returned a non-finite value (${value}) at this input; its derivatives are undefined`);
    }
    trace.backward(y);
    return { value: y.primal, inputs, def };
  });
}

/**
 * Runs `body` with blocks for result leaves of `shapes` (null when none can be had: the results
 * go to JS memory). Call before the transform's scope opens; a throw gives the blocks back.
 */
function withResultBlocks<T>(shapes: readonly Shape[], body: (blocks: number[] | null) => T): T {
  const blocks = claimResult(shapes);
  try {
    return body(blocks);
  } catch (error) {
    if (blocks) releaseResult(shapes, blocks);
    throw error;
  }
}

/**
 * Puts the n floats at `from` (0: zeros) where result leaf `k` goes: its block, or a new JS array
 * (returned) when there are no blocks.
 */
function placeResult(from: number, n: number, blocks: number[] | null, k: number): Float32Array | null {
  if (!blocks) return from ? copyOut(from, n) : new Float32Array(n);
  if (from === blocks[k]) return null; // written there by the pass (its home)
  if (from) core.copyInto(from, blocks[k], n, false);
  else core.zero(blocks[k], n);
  return null;
}

/** The result tensors: over their blocks, else over the JS arrays placeResult returned. */
function resultTensors(shapes: readonly Shape[], blocks: number[] | null, js: (Float32Array | null)[]): Tensor[] {
  return blocks ? residentTensors(shapes, blocks) : shapes.map((shape, k) => detachedTensor(js[k]!, shape));
}

/**
 * Places each input's x̄ (`ct`) or ẋ̄ (`ctDot`), none reached = zeros, as result leaves
 * `first`, `first + 1`, ... (see placeResult).
 */
function placeCotangents(pass: Pass, which: 'ct' | 'ctDot', blocks: number[] | null, first: number): (Float32Array | null)[] {
  return pass.inputs.map((x, i) => placeResult(x[which], x.size, blocks, first + i));
}

/** The shapes of one tree shaped like the argument, `copies` times over (the result leaves). */
function resultShapes(arg: Argument, copies: number): Shape[] {
  const shapes = arg.leaves.map((leaf) => leaf.shape);
  return Array.from({ length: copies }, () => shapes).flat();
}

/** Splits result tensors into `count` trees shaped like the argument. */
function resultTrees(arg: Argument, tensors: Tensor[], count: number): Tree<Tensor>[] {
  const n = arg.leaves.length;
  return Array.from({ length: count }, (_, t) => tree.unflatten(arg.def, tensors.slice(t * n, (t + 1) * n)) as Tree<Tensor>);
}

function scalarOut(pass: Pass): Tensor {
  return new Tensor(copyOut(pass.value, 1), []);
}

/** JAX's value_and_grad: returns (...args) => [value, gradient w.r.t. args[argnum]]. */
export function valueAndGrad(fun: Fun, argnum = 0): (...args: unknown[]) => [Tensor, Tree<Tensor>] {
  return (...args: unknown[]) => {
    checkArgs(args, argnum, 'valueAndGrad');
    const arg = argument(args, argnum, 'valueAndGrad');
    const shapes = resultShapes(arg, 1);
    return withResultBlocks(shapes, (blocks) => {
      const [value, js] = scoped(() => {
        const pass = differentiate(fun, args, arg, null, 'valueAndGrad', { ct: blocks });
        return [scalarOut(pass), placeCotangents(pass, 'ct', blocks, 0)] as const;
      });
      return [value, resultTrees(arg, resultTensors(shapes, blocks, js), 1)[0]];
    });
  };
}

/** JAX's grad: returns (...args) => gradient w.r.t. args[argnum]. */
export function grad(fun: Fun, argnum = 0): (...args: unknown[]) => Tree<Tensor> {
  const vg = valueAndGrad(fun, argnum);
  return (...args: unknown[]) => vg(...args)[1];
}

function directionLeaves(v: unknown, def: TreeDef, leaves: Tensor[], who: string): TangentWriter[] {
  const [vLeaves, vDef] = tree.flatten(v);
  tree.assertSameStructure(def, vDef, `${who}: the argument and v`);
  return vLeaves.map((leaf, i) => {
    if (!isTensor(leaf)) throw new TypeError(`${who}: leaf ${i} of v must be a Tensor, got ${describe(leaf)}`);
    const want = leaves[i].shape;
    if (leaf.shape.length !== want.length || leaf.shape.some((d, j) => d !== want[j])) {
      throw new RangeError(
        `${who}: leaf ${i} of v has shape ${formatShape(leaf.shape)} but the argument's leaf has shape ${formatShape(want)}`,
      );
    }
    return (ptr: number, n: number) => f32(ptr, n).set(leaf.data);
  });
}

/**
 * The gradient and the exact Hessian-vector product of `fun` at `funInput`, along `v` (a tree
 * shaped like funInput[argnum]): returns [gradient, H·v]. Only funInput[argnum] is perturbed.
 */
export function hvp(fun: Fun, funInput: unknown[], v: unknown, argnum = 0): [Tree<Tensor>, Tree<Tensor>] {
  const args = checkArgs(funInput, argnum, 'hvp');
  const arg = argument(args, argnum, 'hvp');
  const directions = directionLeaves(v, arg.def, arg.leaves, 'hvp');
  const shapes = resultShapes(arg, 2);
  return withResultBlocks(shapes, (blocks) => {
    const js = scoped(() => {
      const n = arg.leaves.length;
      const pass = differentiate(fun, args, arg, directions, 'hvp', { ct: blocks?.slice(0, n), ctDot: blocks?.slice(n) });
      return [...placeCotangents(pass, 'ct', blocks, 0), ...placeCotangents(pass, 'ctDot', blocks, arg.leaves.length)];
    });
    const [g, hv] = resultTrees(arg, resultTensors(shapes, blocks, js), 2);
    return [g, hv];
  });
}

/**
 * Rademacher probes for the leaves, drawn straight into the tangents' wasm memory:
 * leaf i gets rademacher(split(rng, nLeaves)[i], leaf.shape).
 */
function probes(rng: Key, nLeaves: number): TangentWriter[] {
  return random.split(rng, nLeaves).map((k) => (ptr: number, n: number) => core.randomRademacher(k[0], k[1], ptr, n, 0));
}

export interface HessianOptions {
  /** Number of Hutchinson probes averaged (default 1). */
  samples?: number;
}

/**
 * [value, gradient, hessian]: `hessian` is the Hutchinson estimate v ⊙ (H v) of the Hessian
 * diagonal, averaged over `samples` probes. With one sample the probes come from `rng` itself;
 * with s > 1, sample j uses split(rng, s)[j] in place of rng. Leaf i of funInput[argnum] takes
 * rademacher(split(key, nLeaves)[i], leaf.shape), so a JAX user can rebuild the same probes.
 */
export function valueGradAndHessian(
  fun: Fun,
  funInput: unknown[],
  rng: Key,
  argnum = 0,
  options: HessianOptions = {},
): [Tensor, Tree<Tensor>, Tree<Tensor>] {
  const who = 'gradAndHessian';
  const args = checkArgs(funInput, argnum, who);
  knownKeys(who, options, ['samples']);
  const samples = options.samples ?? 1;
  if (!Number.isInteger(samples) || samples < 1) {
    throw new RangeError(`${who}: samples must be a positive integer, got ${samples}`);
  }
  const arg = argument(args, argnum, who);
  const { leaves } = arg;
  const sampleKeys = samples === 1 ? [rng] : random.split(rng, samples);
  const shapes = resultShapes(arg, 2); // the gradient's leaves, then the Hessian's
  return withResultBlocks(shapes, (blocks) => scoped(() => {
    // hessian sums, one per leaf, straight in their result blocks (else in the arena); probes are
    // applied in sample order
    const sums = leaves.map((leaf, i) => (blocks ? blocks[leaves.length + i] : allocF32(leaf.size)));
    let first: { value: Tensor; grad: (Float32Array | null)[] } | null = null;
    sampleKeys.forEach((key, j) => {
      scoped(() => {
        const homes = first ? {} : { ct: blocks?.slice(0, leaves.length) }; // the first pass gives the gradient
        const pass = differentiate(fun, args, arg, probes(key, leaves.length), who, homes);
        if (!first) first = { value: scalarOut(pass), grad: placeCotangents(pass, 'ct', blocks, 0) };
        // the estimate v ⊙ Hv: v is the input's tangent, Hv its cotangent's tangent
        pass.inputs.forEach((x, i) => {
          if (!x.ctDot) {
            // H·v is zero on this leaf (nothing second-order reached it)
            if (j === 0) core.zero(sums[i], x.size);
            return;
          }
          if (j === 0) core.mul(x.tangent, x.ctDot, sums[i], x.size);
          else core.mulAddInto(sums[i], x.tangent, x.ctDot, x.size);
        });
      });
    });
    const hessian = leaves.map((leaf, i) => {
      if (samples > 1) core.divScalar(sums[i], samples, sums[i], leaf.size);
      return blocks ? null : copyOut(sums[i], leaf.size);
    });
    const { value, grad } = first!;
    const [g, h] = resultTrees(arg, resultTensors(shapes, blocks, [...grad, ...hessian]), 2);
    return [value, g, h];
  }));
}

/** [gradient, hessian] (see valueGradAndHessian). */
export function gradAndHessian(
  fun: Fun,
  funInput: unknown[],
  rng: Key,
  argnum = 0,
  options: HessianOptions = {},
): [Tree<Tensor>, Tree<Tensor>] {
  const [, g, h] = valueGradAndHessian(fun, funInput, rng, argnum, options);
  return [g, h];
}
