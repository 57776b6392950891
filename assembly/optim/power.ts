// x^y in float64 for the host's step-size schedules (exponential decay): computed in wasm, so a
// schedule gives the same bits in every engine.
export function optimPow(x: f64, y: f64): f64 {
  return Math.pow(x, y);
}
