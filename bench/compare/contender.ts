// What each library in the comparison provides: up to three tasks on one Problem, each a function
// that does the whole task once and returns its results as plain Float32Arrays (the form this
// library returns them in), so every timed call ends with results a JS caller can read.

/** The three tasks every contender is timed on. */
export type Task = 'valueAndGrad' | 'gradHvp' | 'adahessianStep';

export const TASKS: { task: Task; title: string }[] = [
  { task: 'valueAndGrad', title: 'value and gradient' },
  { task: 'gradHvp', title: 'gradient + exact HVP' },
  { task: 'adahessianStep', title: 'AdaHessian step' },
];

/** Per-leaf arrays in the order W0, b0, W1, b1, ... */
export type Leaves = Float32Array[];

export interface TaskOutput {
  /** valueAndGrad: the loss. */
  loss?: number;
  /** valueAndGrad, gradHvp: the gradient. */
  grad?: Leaves;
  /** gradHvp: H·v for the problem's probe v. */
  hvp?: Leaves;
  /** adahessianStep: the parameters after the step. */
  params?: Leaves;
}

export interface Contender {
  /** "adahessian-wasm", "plain JS", "TF.js 4.22 (wasm)", "jax-js 0.1.25 (wasm)" */
  library: string;
  /** "eager", "jit", "stock", "logSoftmax fix", ... */
  variant: string;
  /** One line on how the tasks are computed (shown under the table). */
  how: string;
  /**
   * The tasks it can do. adahessianStep carries its optimizer state from call to call: the first
   * call steps from the initial parameters (that is the call the correctness check sees).
   */
  tasks: Partial<Record<Task, () => TaskOutput>>;
  /** Tasks to check but not time (a variant kept only to show that it is wrong or fails). */
  checkOnly?: boolean;
  /** Frees what the contender holds (TF.js tensors, jax-js arrays and jitted functions). */
  dispose?: () => void;
}
