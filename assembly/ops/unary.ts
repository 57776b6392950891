// Unary elementwise ops: for each, the forward map and its first and second derivatives, side by
// side. `<op>Forward(x, y, n)` writes y = f(x). `<op>Derivatives(x, y, d1, d2, n)` reads x and the
// forward output y and writes d1 = f'(x) and, when d2 != 0, d2 = f''(x). The host's generic unary
// rule builds all four autodiff rules from these (see src/ops/unary.ts):
//   JVP ẏ = d1·ẋ,  VJP x̄ += d1·ȳ,  JVP-of-VJP  ẋ̄ += d1·ẏ̄ + d2·ẋ·ȳ.
// Transcendentals come from AssemblyScript's Mathf, compiled into this module: same bits everywhere.

@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

// square: f = x², f' = 2x, f'' = 2
export function squareForward(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const v = load<f32>(at(x, i));
    store<f32>(at(y, i), v * v);
  }
}
export function squareDerivatives(x: usize, y: usize, d1: usize, d2: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    store<f32>(at(d1, i), 2 * load<f32>(at(x, i)));
    if (d2) store<f32>(at(d2, i), 2);
  }
}

// sqrt: f = √x, f' = 1/(2√x), f'' = -1/(4·x·√x)
export function sqrtForward(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(at(y, i), Mathf.sqrt(load<f32>(at(x, i))));
}
export function sqrtDerivatives(x: usize, y: usize, d1: usize, d2: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const r = load<f32>(at(y, i));
    store<f32>(at(d1, i), <f32>0.5 / r);
    if (d2) store<f32>(at(d2, i), <f32>-0.25 / (load<f32>(at(x, i)) * r));
  }
}

// exp: f = f' = f'' = eˣ
export function expForward(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(at(y, i), Mathf.exp(load<f32>(at(x, i))));
}
export function expDerivatives(x: usize, y: usize, d1: usize, d2: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const e = load<f32>(at(y, i));
    store<f32>(at(d1, i), e);
    if (d2) store<f32>(at(d2, i), e);
  }
}

// log: f = ln x, f' = 1/x, f'' = -1/x²
export function logForward(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(at(y, i), Mathf.log(load<f32>(at(x, i))));
}
export function logDerivatives(x: usize, y: usize, d1: usize, d2: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const v = load<f32>(at(x, i));
    store<f32>(at(d1, i), <f32>1 / v);
    if (d2) store<f32>(at(d2, i), <f32>-1 / (v * v));
  }
}

// tanh: f = t, f' = 1 - t², f'' = -2t(1 - t²)
export function tanhForward(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(at(y, i), Mathf.tanh(load<f32>(at(x, i))));
}
export function tanhDerivatives(x: usize, y: usize, d1: usize, d2: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const t = load<f32>(at(y, i));
    const s = <f32>1 - t * t;
    store<f32>(at(d1, i), s);
    if (d2) store<f32>(at(d2, i), <f32>-2 * t * s);
  }
}

// relu: f = max(x, 0), f' = [x > 0] (JAX's choice at 0), f'' = 0 (the host skips it: exact zeros).
// As JAX's maximum, relu(NaN) is NaN: the mask keeps x where x > 0 or x is NaN (x != x), so the
// NaN passes through with its own bits, the same in the f32x4 body and the scalar tail.
export function reluForward(x: usize, y: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(at(x, i));
    v128.store(at(y, i), v128.and(v, v128.or(f32x4.gt(v, zero), f32x4.ne(v, v))));
  }
  for (; i < n; i++) {
    const v = load<f32>(at(x, i));
    store<f32>(at(y, i), v > 0 || v != v ? v : 0);
  }
}
export function reluDerivatives(x: usize, y: usize, d1: usize, d2: usize, n: i32): void {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(d1, i), v128.and(one, f32x4.gt(v128.load(at(x, i)), zero)));
  for (; i < n; i++) store<f32>(at(d1, i), load<f32>(at(x, i)) > 0 ? 1 : 0);
  if (d2) memory.fill(d2, 0, <usize>n << 2);
}

// sigmoid: f = σ = 1/(1 + e⁻ˣ), f' = σ(1 - σ), f'' = σ(1 - σ)(1 - 2σ)
@inline function sigmoid(v: f32): f32 {
  // never exponentiate a large positive number: e⁻|ˣ| ≤ 1
  const e = Mathf.exp(-Mathf.abs(v));
  return v >= 0 ? <f32>1 / (<f32>1 + e) : e / (<f32>1 + e);
}
export function sigmoidForward(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(at(y, i), sigmoid(load<f32>(at(x, i))));
}
export function sigmoidDerivatives(x: usize, y: usize, d1: usize, d2: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const s = load<f32>(at(y, i));
    const ds = s * (<f32>1 - s);
    store<f32>(at(d1, i), ds);
    if (d2) store<f32>(at(d2, i), ds * (<f32>1 - <f32>2 * s));
  }
}

// softplus: f = ln(1 + eˣ) = max(x, 0) + ln(1 + e⁻|ˣ|), f' = σ(x), f'' = σ(1 - σ)
export function softplusForward(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const v = load<f32>(at(x, i));
    store<f32>(at(y, i), Mathf.max(v, 0) + Mathf.log1p(Mathf.exp(-Mathf.abs(v))));
  }
}
export function softplusDerivatives(x: usize, y: usize, d1: usize, d2: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const s = sigmoid(load<f32>(at(x, i)));
    store<f32>(at(d1, i), s);
    if (d2) store<f32>(at(d2, i), s * (<f32>1 - s));
  }
}

// gelu, JAX's default tanh approximation: f = ½x(1 + tanh u), u = c(x + 0.044715x³), c = √(2/π).
// With t = tanh u, s = 1 - t², u' = c(1 + 3·0.044715x²), u'' = 6c·0.044715x:
//   f' = ½(1 + t) + ½x·s·u',   f'' = s·u' + ½x·s·(u'' - 2t·u'²)
const GELU_C: f32 = 0.7978845608028654; // √(2/π)
const GELU_A: f32 = 0.044715;
export function geluForward(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const v = load<f32>(at(x, i));
    const cdf = <f32>0.5 * (<f32>1 + Mathf.tanh(GELU_C * (v + GELU_A * (v * v * v))));
    store<f32>(at(y, i), v * cdf);
  }
}
export function geluDerivatives(x: usize, y: usize, d1: usize, d2: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const v = load<f32>(at(x, i));
    const t = Mathf.tanh(GELU_C * (v + GELU_A * (v * v * v)));
    const s = <f32>1 - t * t;
    const du = GELU_C * (<f32>1 + <f32>3 * GELU_A * v * v);
    store<f32>(at(d1, i), <f32>0.5 * (<f32>1 + t) + <f32>0.5 * v * s * du);
    if (d2) {
      const ddu = <f32>6 * GELU_C * GELU_A * v;
      store<f32>(at(d2, i), s * du + <f32>0.5 * v * s * (ddu - <f32>2 * t * du * du));
    }
  }
}
