// TensorFlow.js 4.22 (wasm backend) on the CNN: tf.conv2d (NHWC, HWIO: our layouts) and
// tf.maxPool, the HVP by nested tf.grads, with the MLP comparison's stock and fixed loss heads.
import * as tf from '@tensorflow/tfjs';
import type { Contender } from '../contender.js';
import { gradientTasks, logSoftmaxFixed, matMulFast, meanCrossEntropy } from '../contenders/tfjs.js';
import { BATCH, CLASSES, LEAF_SHAPES, SIDE, type CnnProblem } from './problem.js';

interface Variant {
  variant: string;
  how: string;
  logSoftmax: (z: tf.Tensor) => tf.Tensor;
  matMul: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
}

const VARIANTS: Variant[] = [
  { variant: 'stock', how: 'tf.conv2d, tf.maxPool, tf.matMul, tf.logSoftmax', logSoftmax: tf.logSoftmax, matMul: tf.matMul },
  {
    variant: 'logSoftmax fix + matMul fix',
    how: "tf.conv2d and tf.maxPool with the MLP comparison's tf.customGrad logSoftmax and matMul",
    logSoftmax: logSoftmaxFixed,
    matMul: matMulFast,
  },
];

function contender(p: CnnProblem, { variant, how, logSoftmax, matMul }: Variant): Contender {
  const x = tf.tensor4d(p.x, [BATCH, SIDE, SIDE, 1]);
  const y = tf.tensor2d(p.y, [BATCH, CLASSES]);
  const leaves = (arrays: Float32Array[]) => arrays.map((a, i) => tf.tensor(a, [...LEAF_SHAPES[i]]));
  const params = leaves(p.params);
  const probe = leaves(p.probe);
  const block = (h: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor) =>
    tf.maxPool(tf.relu(tf.add(tf.conv2d(h as tf.Tensor4D, kernel as tf.Tensor4D, 1, 'valid'), bias)) as tf.Tensor4D, [2, 2], [2, 2], 'valid');
  const loss = (k1: tf.Tensor, b1: tf.Tensor, k2: tf.Tensor, b2: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Scalar => {
    const features = tf.reshape(block(block(x, k1, b1), k2, b2), [BATCH, -1]);
    return meanCrossEntropy(logSoftmax(tf.add(matMul(features, w), b)), y);
  };
  return {
    library: 'TF.js 4.22 (wasm)',
    variant,
    how,
    tasks: gradientTasks(loss as (...theta: tf.Tensor[]) => tf.Scalar, params, probe),
    dispose: () => tf.dispose([x, y, ...params, ...probe]),
  };
}

/** The TF.js variants on the CNN (call initTfjs first). */
export function tfjsCnn(p: CnnProblem): Contender[] {
  return VARIANTS.map((v) => contender(p, v));
}
