// Elementwise kernels over f32 arrays of length n. Each element is computed on its own, so the
// f32x4 body and the scalar tail give the same bits; n need not be a multiple of 4.
// The `...Into` kernels accumulate (out += ...): reverse-mode rules add into cotangents.

@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

export function add(a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(out, i), f32x4.add(v128.load(at(a, i)), v128.load(at(b, i))));
  for (; i < n; i++) store<f32>(at(out, i), load<f32>(at(a, i)) + load<f32>(at(b, i)));
}

export function sub(a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(out, i), f32x4.sub(v128.load(at(a, i)), v128.load(at(b, i))));
  for (; i < n; i++) store<f32>(at(out, i), load<f32>(at(a, i)) - load<f32>(at(b, i)));
}

export function mul(a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(out, i), f32x4.mul(v128.load(at(a, i)), v128.load(at(b, i))));
  for (; i < n; i++) store<f32>(at(out, i), load<f32>(at(a, i)) * load<f32>(at(b, i)));
}

export function div(a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(out, i), f32x4.div(v128.load(at(a, i)), v128.load(at(b, i))));
  for (; i < n; i++) store<f32>(at(out, i), load<f32>(at(a, i)) / load<f32>(at(b, i)));
}

/** out = a * s */
export function scale(a: usize, s: f32, out: usize, n: i32): void {
  const sv = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(out, i), f32x4.mul(v128.load(at(a, i)), sv));
  for (; i < n; i++) store<f32>(at(out, i), load<f32>(at(a, i)) * s);
}

/** out = a / s (numpy's mean divides the sum by the count) */
export function divScalar(a: usize, s: f32, out: usize, n: i32): void {
  const sv = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(out, i), f32x4.div(v128.load(at(a, i)), sv));
  for (; i < n; i++) store<f32>(at(out, i), load<f32>(at(a, i)) / s);
}

export function fill(out: usize, value: f32, n: i32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(out, i), v);
  for (; i < n; i++) store<f32>(at(out, i), value);
}

/** out += a */
export function addInto(out: usize, a: usize, n: i32): void {
  add(out, a, out, n);
}

/** out += a * s */
export function scaleAddInto(out: usize, a: usize, s: f32, n: i32): void {
  const sv = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(at(out, i), f32x4.add(v128.load(at(out, i)), f32x4.mul(v128.load(at(a, i)), sv)));
  }
  for (; i < n; i++) store<f32>(at(out, i), load<f32>(at(out, i)) + load<f32>(at(a, i)) * s);
}

/** out += a * b */
export function mulAddInto(out: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const ab = f32x4.mul(v128.load(at(a, i)), v128.load(at(b, i)));
    v128.store(at(out, i), f32x4.add(v128.load(at(out, i)), ab));
  }
  for (; i < n; i++) store<f32>(at(out, i), load<f32>(at(out, i)) + load<f32>(at(a, i)) * load<f32>(at(b, i)));
}

/** out += (a * b) * c : the second-derivative term f''(x)·ẋ·ȳ of unary rules */
export function mulMulAddInto(out: usize, a: usize, b: usize, c: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const abc = f32x4.mul(f32x4.mul(v128.load(at(a, i)), v128.load(at(b, i))), v128.load(at(c, i)));
    v128.store(at(out, i), f32x4.add(v128.load(at(out, i)), abc));
  }
  for (; i < n; i++) {
    const abc = load<f32>(at(a, i)) * load<f32>(at(b, i)) * load<f32>(at(c, i));
    store<f32>(at(out, i), load<f32>(at(out, i)) + abc);
  }
}

/** out = a == b ? 1 : 0 (where max was attained) */
export function equalMask(a: usize, b: usize, out: usize, n: i32): void {
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(out, i), v128.and(f32x4.eq(v128.load(at(a, i)), v128.load(at(b, i))), one));
  for (; i < n; i++) store<f32>(at(out, i), load<f32>(at(a, i)) == load<f32>(at(b, i)) ? 1 : 0);
}

export function zero(out: usize, n: i32): void {
  memory.fill(out, 0, <usize>n << 2);
}

/** out (+)= a: a copy, or an accumulation into out */
export function copyInto(a: usize, out: usize, n: i32, accumulate: bool): void {
  if (accumulate) add(out, a, out, n);
  else memory.copy(out, a, <usize>n << 2);
}
