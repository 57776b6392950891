// The problem every library solves: an MLP with ReLU hidden layers and log-softmax cross-entropy
// on one batch, with the same initial parameters, batch and Hessian probe for everyone. All of it
// is drawn once with this library's PRNG and handed to each competitor as plain Float32Arrays,
// which it copies into its own tensors.
import { random, stax, tensor, tree, type Tensor } from '../../src/index.js';

export interface Model {
  /** "full" or "small": `npm run bench:compare -- small` runs only that one. */
  name: string;
  /** Layer widths, input first: [784, 1024, 1024, 10]. */
  sizes: number[];
  batch: number;
}

/** The two MLPs compared: the full MNIST MLP and a small one. */
export const MODELS: Model[] = [
  { name: 'full', sizes: [784, 1024, 1024, 10], batch: 128 },
  { name: 'small', sizes: [784, 128, 10], batch: 32 },
];

/** The AdaHessian hyper-parameters of the whole-step task (hessianPower 1, no weight decay, 'last' averaging). */
export const ADAHESSIAN = { stepSize: 0.15, b1: 0.9, b2: 0.999, eps: 1e-4 } as const;

/** One dense layer's arrays: W is [in, out] row-major, b is [out]. */
export interface LayerData {
  w: Float32Array;
  b: Float32Array;
}

export interface Problem extends Model {
  /** "784-1024-1024-10 batch 128" */
  label: string;
  /** Number of parameters. */
  count: number;
  params: LayerData[];
  /** [batch, sizes[0]] inputs, uniform in [0, 1). */
  x: Float32Array;
  /** [batch, classes] one-hot labels. */
  y: Float32Array;
  /** The Rademacher probe for the HVP and the Hutchinson estimate, one per leaf (W then b). */
  probe: LayerData[];
  /** The key our gradAndHessian gets: it draws exactly `probe` from it. */
  probeKey: ReturnType<typeof random.key>;
  /** Our stax parameter tree ([[W, b], [], [W, b], ...]) of the same arrays, for this library. */
  staxParams: unknown;
  /** Our apply function for staxParams. */
  apply: (params: unknown, x: Tensor) => Tensor;
}

export function makeProblem({ name, sizes, batch }: Model): Problem {
  const layers = sizes
    .slice(1)
    .flatMap((n, i) => (i < sizes.length - 2 ? [stax.Dense(n), stax.Relu] : [stax.Dense(n)]));
  const [init, apply] = stax.serial(...layers);
  const [initKey, dataKey, labelKey, probeKey] = random.split(random.key(0), 4);
  const [, staxParams] = init(initKey, [-1, sizes[0]]);

  const classes = sizes[sizes.length - 1];
  const x = random.uniform(dataKey, [batch, sizes[0]]).data;
  const labels = random.bits(labelKey, [batch]);
  const y = new Float32Array(batch * classes);
  labels.forEach((label, i) => (y[i * classes + (label % classes)] = 1));

  const leaves = tree.leaves(staxParams) as Tensor[];
  const params: LayerData[] = [];
  for (let l = 0; l < leaves.length; l += 2) params.push({ w: leaves[l].data, b: leaves[l + 1].data });

  // gradAndHessian(…, probeKey) gives leaf i the probe rademacher(split(probeKey, nLeaves)[i]).
  const leafKeys = random.split(probeKey, leaves.length);
  const draws = leaves.map((leaf, i) => random.rademacher(leafKeys[i], leaf.shape).data);
  const probe: LayerData[] = params.map((_, l) => ({ w: draws[2 * l], b: draws[2 * l + 1] }));

  return {
    name,
    sizes,
    batch,
    label: `${sizes.join('-')} batch ${batch}`,
    count: leaves.reduce((n, leaf) => n + leaf.data.length, 0),
    params,
    x,
    y,
    probe,
    probeKey,
    staxParams,
    apply: apply as Problem['apply'],
  };
}

/** The probe as a tree shaped like our stax parameters (for hvp). */
export function probeTree(p: Problem): unknown {
  return tree.unflatten(
    tree.flatten(p.staxParams)[1],
    p.probe.flatMap(({ w, b }, l) => [tensor(w, [p.sizes[l], p.sizes[l + 1]]), tensor(b, [p.sizes[l + 1]])]),
  );
}
