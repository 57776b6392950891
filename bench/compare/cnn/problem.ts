// The CNN every library solves: the examples' CNN (Conv 32 3×3 → ReLU → MaxPool 2×2/2 → Conv 64
// 3×3 → ReLU → MaxPool 2×2/2 → Flatten → Dense 10, log-softmax cross-entropy) on one batch of 128
// 28×28 images, with the same initial parameters, batch and Hessian probe for everyone: drawn once
// with this library's stax init and PRNG, handed to each competitor as plain Float32Arrays in JAX's
// layouts (x NHWC, kernels HWIO, dense W [in, out], conv biases [out]), which it copies.
import { random, stax, tree, type Tensor } from '../../../src/index.js';

export const BATCH = 128;
export const SIDE = 28;
export const CLASSES = 10;

/** The leaves in order: conv1 kernel, conv1 bias, conv2 kernel, conv2 bias, dense W, dense b. */
export const LEAF_SHAPES = [[3, 3, 1, 32], [32], [3, 3, 32, 64], [64], [1600, 10], [10]] as const;

export interface CnnProblem {
  label: string;
  /** Number of parameters. */
  count: number;
  /** The six leaves (LEAF_SHAPES), row-major. */
  params: Float32Array[];
  /** [BATCH, SIDE, SIDE, 1] inputs, uniform in [0, 1). */
  x: Float32Array;
  /** [BATCH, CLASSES] one-hot labels. */
  y: Float32Array;
  /** The Rademacher probe for the HVP, one per leaf. */
  probe: Float32Array[];
  /** Our stax parameter tree of the same arrays (conv biases [1, 1, 1, out]) and our apply. */
  staxParams: unknown;
  staxProbe: unknown;
  apply: (params: unknown, x: Tensor) => Tensor;
}

export function makeCnnProblem(): CnnProblem {
  const [init, apply] = stax.serial(
    stax.Conv(32, [3, 3]), stax.Relu, stax.MaxPool([2, 2], [2, 2]),
    stax.Conv(64, [3, 3]), stax.Relu, stax.MaxPool([2, 2], [2, 2]),
    stax.Flatten, stax.Dense(CLASSES),
  );
  const [initKey, dataKey, labelKey, probeKey] = random.split(random.key(0), 4);
  const [, staxParams] = init(initKey, [-1, SIDE, SIDE, 1]);
  const x = random.uniform(dataKey, [BATCH, SIDE, SIDE, 1]).data;
  const y = new Float32Array(BATCH * CLASSES);
  random.bits(labelKey, [BATCH]).forEach((label, i) => (y[i * CLASSES + (label % CLASSES)] = 1));

  const [leaves, treedef] = tree.flatten(staxParams) as [Tensor[], unknown];
  const leafKeys = random.split(probeKey, leaves.length);
  const draws = leaves.map((leaf, i) => random.rademacher(leafKeys[i], leaf.shape));
  return {
    label: `CNN 28×28×1 → conv 32 → conv 64 → 10, batch ${BATCH}`,
    count: leaves.reduce((n, leaf) => n + leaf.data.length, 0),
    params: leaves.map((leaf) => leaf.data),
    x,
    y,
    probe: draws.map((d) => d.data),
    staxParams,
    staxProbe: tree.unflatten(treedef as never, draws),
    apply: apply as CnnProblem['apply'],
  };
}

