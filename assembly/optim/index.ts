// Optimizer kernels: fused per-leaf steps over raw f32 arrays (no trees, no API; the host in
// src/optimizers/ lifts them to parameter trees).
export { adahessianStep, adahessianStepRows } from './adahessian'; // the fused AdaHessian step
export { spatialMeanAbs } from './spatial'; // D = mean |h| over axes
export { adamStep } from './adam'; // the fused Adam step
export { sgdStep, momentumStep } from './first_order';
export { rmspropStep } from './rmsprop'; // the fused RMSprop step
export { optimPow } from './power'; // x^y for step-size schedules
