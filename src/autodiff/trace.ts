// The autodiff's record of one call: forward-over-reverse (JAX's jvp(grad(f))), define-by-run.
//
// Inside a transform every op runs at once in wasm on (primal, tangent) pairs and, when its output
// depends on the differentiated argument, pushes a backward rule onto the tape. One reverse sweep
// then runs the rules, which add cotangents (x̄) and, under `hvp`, their tangents (ẋ̄) into the
// inputs. All numbers live in the wasm arena; the transform releases it after copying results out.
//
// Modes: 'eager' runs ops with no tape (plain np calls outside any transform); 'grad' records
// primal ops for a gradient; 'hvp' also carries tangents (an exact Hessian-vector product).
//
// Invariant under 'hvp': a value has a tangent exactly when it depends on the argument (`dep`).
// Values that do not depend on it get no tangent and no cotangent, so e.g. the input-gradient of a
// first layer is never computed.
import { Tensor, INSPECT, formatShape, describe, sizeOf, type Shape } from '../tensor.js';
import { allocF32, copyIn, copyOut } from '../wasm/arena.js';
import { core } from '../wasm/instance.js';

export type Mode = 'eager' | 'grad' | 'hvp';
export type TangentWriter = (ptr: number, n: number) => void;

export class Trace {
  readonly mode: Mode;
  closed = false;
  private readonly tape: { out: Tracer; rule: () => void }[] = [];
  private readonly constants = new Map<Tensor, Tracer>();

  constructor(mode: Mode) {
    this.mode = mode;
  }

  /** Whether ops record backward rules. */
  get recording(): boolean {
    return this.mode !== 'eager';
  }
  /** Whether values carry tangents (the forward half of an HVP). */
  get withTangents(): boolean {
    return this.mode === 'hvp';
  }

  /** A fresh output value of `shape`; `dep` says whether it depends on the argument. */
  value(shape: Shape, dep: boolean): Tracer {
    const n = sizeOf(shape);
    const y = new Tracer(this, shape, allocF32(n), dep && this.recording);
    if (y.dep && this.withTangents) y.tangent = allocF32(n);
    return y;
  }

  /** A value sharing `x`'s memory under another shape of the same size (reshape). */
  alias(x: Tracer, shape: Shape): Tracer {
    const y = new Tracer(this, shape, x.primal, x.dep);
    y.tangent = x.tangent;
    return y;
  }

  /** A tensor the function closes over or receives as a non-differentiated argument. */
  constant(t: Tensor): Tracer {
    let c = this.constants.get(t);
    if (!c) {
      c = new Tracer(this, t.shape, copyIn(t.data), false);
      this.constants.set(t, c);
    }
    return c;
  }

  scalar(v: number): Tracer {
    return new Tracer(this, [], copyIn([v]), false);
  }

  /**
   * A leaf of the differentiated argument. Under 'hvp', `writeTangent(ptr, n)` fills its tangent
   * (the HVP direction) in place: copied from a tensor, or drawn straight into wasm memory.
   */
  input(t: Tensor, writeTangent: TangentWriter | null): Tracer {
    const x = new Tracer(this, t.shape, copyIn(t.data), true);
    if (this.withTangents) {
      x.tangent = allocF32(x.size);
      if (writeTangent) writeTangent(x.tangent, x.size);
      else core.zero(x.tangent, x.size);
    }
    return x;
  }

  /** Registers the backward rule of an op whose output is `out`; it runs only if `out` got a cotangent. */
  onBackward(out: Tracer, rule: () => void): void {
    if (out.dep) this.tape.push({ out, rule });
  }

  /** The reverse sweep from a scalar output: seeds ȳ = 1 (ẏ̄ = 0) and runs the tape backwards. */
  backward(out: Tracer): void {
    if (!out.dep) return;
    out.ct = copyIn([1]);
    for (let i = this.tape.length - 1; i >= 0; i--) {
      const { out: y, rule } = this.tape[i];
      if (y.ct) rule();
    }
  }
}

/**
 * A value inside a transform. It is a Tensor (so user code type-checks as with JAX's Array), but
 * its numbers live in wasm memory for the duration of the call; `data` copies them out.
 */
export class Tracer extends Tensor {
  readonly trace: Trace;
  /** Arena address of the primal values. */
  readonly primal: number;
  /** Whether the value depends on the differentiated argument. */
  readonly dep: boolean;
  /** Arena addresses of the tangent, the cotangent and the cotangent's tangent; 0 = none (zero). */
  tangent = 0;
  ct = 0;
  ctDot = 0;
  /**
   * Where x̄ and ẋ̄ are put when first written (0: a fresh arena block). A transform sets its
   * inputs' to its result blocks, so the gradient needs no copy there.
   */
  ctHome = 0;
  ctDotHome = 0;

  constructor(trace: Trace, shape: Shape, primal: number, dep: boolean) {
    super(EMPTY, shape, true);
    this.trace = trace;
    this.primal = primal;
    this.dep = dep;
  }

  override get data(): Float32Array {
    this.assertLive();
    return copyOut(this.primal, this.size);
  }

  assertLive(): void {
    if (this.trace.closed) {
      throw new Error(
        `a value traced inside grad/valueAndGrad/hvp/gradAndHessian (shape ${formatShape(this.shape)}) ` +
          'was used after that transform ended; return it from the function instead',
      );
    }
  }

  override toString(): string {
    return `Tracer(shape=${formatShape(this.shape)}, ${this.trace.mode})`;
  }

  /** The shape only: a Tracer may no longer hold values. */
  override [INSPECT](): string {
    return this.toString();
  }
}

const EMPTY = new Float32Array(0);

/** The cotangent x̄ of `x`, zero-filled on first use (rules always add into it). */
export function cotangent(x: Tracer): number {
  return zeroFilledSlot(x, false);
}

/**
 * Where a rule that can either write or accumulate (a matmul, a column sum) should put its
 * contribution to x̄ (`tangent` false) or ẋ̄ (true): [address, accumulate]. The first contribution
 * writes into fresh memory, skipping the zero-fill and the read of zeros; later ones add.
 */
export function contributionSlot(x: Tracer, tangent: boolean): [number, boolean] {
  const have = tangent ? x.ctDot : x.ct;
  if (have) return [have, true];
  const fresh = (tangent ? x.ctDotHome : x.ctHome) || allocF32(x.size);
  if (tangent) x.ctDot = fresh;
  else x.ct = fresh;
  return [fresh, false];
}

/** The tangent ẋ̄ of the cotangent of `x`, zero-filled on first use. */
export function cotangentTangent(x: Tracer): number {
  return zeroFilledSlot(x, true);
}

/** For rules that only add: the slot of contributionSlot, zero-filled when it is fresh. */
function zeroFilledSlot(x: Tracer, tangent: boolean): number {
  const [ptr, existing] = contributionSlot(x, tangent);
  if (!existing) core.zero(ptr, x.size);
  return ptr;
}

// ---- the active trace ------------------------------------------------------------------------

let active: Trace | null = null;

export function activeTrace(): Trace | null {
  return active;
}

/** Runs `body` with `trace` active; transforms do not nest. */
export function withTrace<T>(trace: Trace, body: () => T): T {
  if (active && active.mode !== 'eager') {
    throw new Error(
      'transforms do not nest: grad/valueAndGrad/hvp/gradAndHessian was called inside another transform',
    );
  }
  const previous = active;
  active = trace;
  try {
    return body();
  } finally {
    active = previous;
    trace.closed = true;
  }
}

/** Turns an op operand (a Tensor, a Tracer of the active trace, or a number) into a Tracer. */
export function lift(x: unknown, what = 'operand'): Tracer {
  const trace = active!;
  if (x instanceof Tracer) {
    if (x.trace !== trace) {
      x.assertLive();
      throw new Error(`${what}: a value from another transform was used here (shape ${formatShape(x.shape)})`);
    }
    return x;
  }
  if (x instanceof Tensor) return trace.constant(x);
  if (typeof x === 'number') return trace.scalar(x);
  throw new TypeError(`${what} must be a Tensor or a number, got ${describe(x)}`);
}
