// stax.Conv: JAX stax's Conv = GeneralConv(('NHWC', 'HWIO', 'NHWC'), ...): x NHWC, kernel HWIO.
import * as random from '../random.js';
import * as np from '../np.js';
import * as nn from '../nn.js';
import { checkNHWC, outputShape, positivePair, windowGeometry, type Padding } from '../ops/window.js';
import { layer, type Layer } from './layer.js';
import { glorotNormal, normalInit, type Initializer } from './initializers.js';

/** JAX's glorot_normal(in_axis=2, out_axis=3) for HWIO: the window is the receptive field. */
const hwioGlorotNormal: Initializer = (key, shape) => glorotNormal(key, shape, 2, 3);
/** JAX's normal(1e-6), stax's conv bias. */
const convBiasNormal: Initializer = (key, shape) => normalInit(key, shape, 1e-6);

/**
 * A 2-D convolution with `outChan` output channels and a `filterShape` [kh, kw] window:
 * y = conv2d(x, W, { strides, padding }) + b, W [kh, kw, in, outChan] (glorot normal over the
 * receptive field), b [1, 1, 1, outChan] (normal, stddev 1e-6). Strides default to [1, 1].
 */
export function Conv(
  outChan: number,
  filterShape: readonly [number, number],
  strides: readonly [number, number] = [1, 1],
  padding: Padding = 'VALID',
  WInit: Initializer = hwioGlorotNormal,
  bInit: Initializer = convBiasNormal,
): Layer {
  if (!Number.isSafeInteger(outChan) || outChan < 1) {
    throw new RangeError(`Conv: outChan must be a positive integer, got ${outChan}`);
  }
  const [kh, kw] = positivePair(filterShape, 'filterShape', 'Conv');
  const options = { strides, padding };
  return layer(
    (key, inputShape) => {
      checkNHWC(inputShape, 'Conv', 'input shape');
      const geometry = windowGeometry('Conv', inputShape, [kh, kw], outChan, options);
      const [k1, k2] = random.split(key);
      return [outputShape(geometry), [WInit(k1, [kh, kw, inputShape[3], outChan]), bInit(k2, [1, 1, 1, outChan])]];
    },
    ([w, b], x) => np.add(nn.conv2d(x, w, options), b),
  );
}
