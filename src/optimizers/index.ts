// adahessian-wasm/optimizers: optimizers in the style of jax.example_libraries.optimizers.
// Each factory returns `[init, update, getParams]` (also `.init/.update/.getParams`):
//
//   const [init, update, getParams] = adahessian({ stepSize: 0.05 });
//   let state = init(params);
//   state = update(i, grads, hessians, state);   // first-order ones: update(i, grads, state)
//   params = getParams(state);
//
// States are opaque and never change; `serialize`/`deserialize` checkpoint them exactly.
import '../wasm/instance.js';
export { adahessian } from './adahessian.js';
export type { AdahessianOptions, AdahessianInit, AdahessianUpdate } from './adahessian.js';
export { adam } from './adam.js';
export type { AdamOptions, FirstOrderInit, FirstOrderUpdate } from './adam.js';
export { sgd } from './sgd.js';
export type { SgdOptions } from './sgd.js';
export { momentum } from './momentum.js';
export type { MomentumOptions } from './momentum.js';
export { rmsprop } from './rmsprop.js';
export type { RmspropOptions } from './rmsprop.js';
export { constant, exponentialDecay, inverseTimeDecay, piecewiseConstant, makeSchedule } from './schedules.js';
export type { Schedule } from './schedules.js';
export type { SpatialAverage } from './spatial.js';
export { OptimizerState } from './state.js';
export type { OptimizerKind } from './state.js';
export type { OptimizerSpec, HyperParamSpec, LeafStep, StepHyper } from './spec.js';
export type { Triple, GetParams } from './triple.js';
export { serialize, deserialize } from './serialize.js';
