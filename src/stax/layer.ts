// A stax layer is a pair [initFun, applyFun]: initFun(key, inputShape) returns [outputShape,
// params]; applyFun(params, inputs) computes the layer. Shapes use -1 for the batch dimension.
import type { Tensor } from '../tensor.js';
import type { Key } from '../random.js';

export type Params = Tensor[] | Params[];
export type InitFun = (key: Key, inputShape: readonly number[]) => [number[], any];
export type ApplyFun = (params: any, inputs: Tensor) => Tensor;
export type Layer = [InitFun, ApplyFun] & { init: InitFun; apply: ApplyFun };

export function layer(init: InitFun, apply: ApplyFun): Layer {
  return Object.assign([init, apply] as [InitFun, ApplyFun], { init, apply });
}
