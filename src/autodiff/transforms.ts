// The transforms: grad, valueAndGrad, hvp, gradAndHessian, valueGradAndHessian.
// Each call runs the user's function once per pass inside a Trace (see trace.ts), sweeps back from
// its scalar output, copies the results out of wasm memory and releases everything else.
import { Tensor, describe, formatShape, isTensor } from '../tensor.js';
import * as tree from '../tree.js';
import type { Tree, TreeDef } from '../tree.js';
import { allocF32, copyOut, f32, scoped } from '../wasm/arena.js';
import { core } from '../wasm/instance.js';
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
 * Runs `fun` on `args` with leaf tangents `directions` (null: gradient only), then the reverse
 * sweep. Must be called inside `scoped`; the returned addresses die with that scope.
 */
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

function differentiate(fun: Fun, args: unknown[], arg: Argument, directions: TangentWriter[] | null, who: string): Pass {
  if (typeof fun !== 'function') throw new TypeError(`${who}: fun must be a function, got ${describe(fun)}`);
  const { argnum, leaves, def } = arg;
  const trace = new Trace(directions ? 'hvp' : 'grad');
  return withTrace(trace, () => {
    const inputs = leaves.map((leaf, i) => trace.input(leaf, directions ? directions[i] : null));
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

/** A tree shaped like the argument, of each input's x̄ (`ct`) or ẋ̄ (`ctDot`); none reached = zeros. */
function resultTree(pass: Pass, which: 'ct' | 'ctDot'): Tree<Tensor> {
  const out = pass.inputs.map((x) => new Tensor(x[which] ? copyOut(x[which], x.size) : new Float32Array(x.size), x.shape));
  return tree.unflatten(pass.def, out) as Tree<Tensor>;
}

function scalarOut(pass: Pass): Tensor {
  return new Tensor(copyOut(pass.value, 1), []);
}

/** JAX's value_and_grad: returns (...args) => [value, gradient w.r.t. args[argnum]]. */
export function valueAndGrad(fun: Fun, argnum = 0): (...args: unknown[]) => [Tensor, Tree<Tensor>] {
  return (...args: unknown[]) => {
    checkArgs(args, argnum, 'valueAndGrad');
    return scoped(() => {
      const pass = differentiate(fun, args, argument(args, argnum, 'valueAndGrad'), null, 'valueAndGrad');
      return [scalarOut(pass), resultTree(pass, 'ct')];
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
  return scoped(() => {
    const pass = differentiate(fun, args, arg, directions, 'hvp');
    return [resultTree(pass, 'ct'), resultTree(pass, 'ctDot')];
  });
}

/**
 * Rademacher probes for the leaves, drawn straight into the tangents' wasm memory:
 * leaf i gets rademacher(split(rng, nLeaves)[i], leaf.shape).
 */
function probes(rng: Key, nLeaves: number): TangentWriter[] {
  return random.split(rng, nLeaves).map((k) => (ptr: number, n: number) => core.randomRademacher(k[0], k[1], ptr, n));
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
  const { leaves, def } = arg;
  const sampleKeys = samples === 1 ? [rng] : random.split(rng, samples);
  return scoped(() => {
    // hessian sums, one per leaf, in wasm memory; probes are applied in sample order
    const sums = leaves.map((leaf) => allocF32(leaf.size));
    let first: { value: Tensor; grad: Tree<Tensor> } | null = null;
    sampleKeys.forEach((key, j) => {
      scoped(() => {
        const pass = differentiate(fun, args, arg, probes(key, leaves.length), who);
        if (!first) first = { value: scalarOut(pass), grad: resultTree(pass, 'ct') };
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
      return new Tensor(copyOut(sums[i], leaf.size), leaf.shape);
    });
    const { value, grad } = first!;
    return [value, grad, tree.unflatten(def, hessian) as Tree<Tensor>];
  });
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
