// The plain-JS yardstick for the wasm matmul: straightforward loops over Float32Array, with the
// loop orders of the wasm scalar kernel (C row by row; for A·B and Aᵀ·B the j loop innermost so
// B is read along its rows, for A·Bᵀ a dot product per element). Sums of A·B and Aᵀ·B round to
// float32 at every step (they live in C); the A·Bᵀ dot product sums in float64. So the results
// are close to the wasm ones but not bit-identical: this is a speed reference only.

/** C[m×n] = A[m×k]·B[k×n]. */
export function matmulAB(
  a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number,
): void {
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let j = 0; j < n; j++) c[ci + j] = 0;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
    }
  }
}

/** C[m×n] = Aᵀ·B with A stored k×m. */
export function matmulAtB(
  a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number,
): void {
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let j = 0; j < n; j++) c[ci + j] = 0;
    for (let p = 0; p < k; p++) {
      const aip = a[p * m + i];
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
    }
  }
}

/** C[m×n] = A·Bᵀ with B stored n×k. */
export function matmulABt(
  a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number,
): void {
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
      c[i * n + j] = s;
    }
  }
}
