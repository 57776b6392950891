// Packing: columns of op(B) copied into panels of k×8 (or k×4) floats, row p of a panel holding
// op(B)[p, j0 .. j0+7] contiguously, so a register tile reads one 32-byte row per step over p.
// Unpacked, the rows of B sit n*4 bytes apart (4 KiB for n = 1024): a stride that maps them all
// onto the same few L1 cache sets and crosses a page (where hardware prefetchers stop) every row.

/** Bytes of one packed k×8 panel. */
// @ts-ignore: decorator
@inline export function panelBytes(k: i32): usize {
  return <usize>k << 5;
}

/**
 * Packs `panels` full 8-column panels of op(B), columns j0 .. j0+8*panels-1, one after another
 * (panel q at pack + q*panelBytes(k)).
 */
export function packFullPanels(
  b: usize, pack: usize, k: i32, n: i32, j0: i32, panels: i32, transB: bool,
): void {
  const kBytes = panelBytes(k);
  if (!transB) {
    // op(B)[p, j] = B[p*n + j]: each row of B is read once across all the panels, 32*panels
    // contiguous bytes, so cache lines are used whole and page crossings are rarer
    const stride: usize = <usize>n << 2;
    let src = b + (<usize>j0 << 2);
    const end = pack + (<usize>k << 5);
    for (let dst = pack; dst < end; dst += 32) {
      let d = dst;
      let s = src;
      for (let q = 0; q < panels; q++) {
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
        d += kBytes;
        s += 32;
      }
      src += stride;
    }
    return;
  }
  // op(B)[p, j] = B[j*k + p]: rows of the stored B become panel columns, 4×4 blocks transposed
  // in registers
  const rowBytes: usize = <usize>k << 2;
  for (let q = 0; q < panels; q++) {
    for (let g = 0; g < 8; g += 4) {
      const r0 = b + <usize>(j0 + q * 8 + g) * rowBytes;
      const r1 = r0 + rowBytes;
      const r2 = r1 + rowBytes;
      const r3 = r2 + rowBytes;
      const dstCol = pack + <usize>q * kBytes + (<usize>g << 2);
      let p = 0;
      for (; p + 4 <= k; p += 4) {
        const off: usize = <usize>p << 2;
        const x0 = v128.load(r0 + off);
        const x1 = v128.load(r1 + off);
        const x2 = v128.load(r2 + off);
        const x3 = v128.load(r3 + off);
        const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5); // x0[0] x1[0] x0[1] x1[1]
        const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5); // x2[0] x3[0] x2[1] x3[1]
        const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7); // x0[2] x1[2] x0[3] x1[3]
        const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7); // x2[2] x3[2] x2[3] x3[3]
        const d = dstCol + (<usize>p << 5);
        v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
        v128.store(d, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 32);
        v128.store(d, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 64);
        v128.store(d, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 96);
      }
      for (; p < k; p++) {
        const off: usize = <usize>p << 2;
        const d = dstCol + (<usize>p << 5);
        store<f32>(d, load<f32>(r0 + off));
        store<f32>(d, load<f32>(r1 + off), 4);
        store<f32>(d, load<f32>(r2 + off), 8);
        store<f32>(d, load<f32>(r3 + off), 12);
      }
    }
  }
}

/**
 * Packs the last columns j0 .. j0+cols-1 of op(B) (cols ≤ width) into one k×width panel
 * (width 8 or 4), zero past `cols`. Runs once per call, on few columns: element by element.
 */
export function packLastPanel(
  b: usize, pack: usize, k: i32, n: i32, j0: i32, cols: i32, width: i32, transB: bool,
): void {
  const rowBytes: usize = <usize>width << 2;
  for (let p = 0; p < k; p++) {
    const d = pack + <usize>p * rowBytes;
    for (let c = 0; c < width; c++) {
      let x: f32 = 0;
      if (c < cols) {
        const j = j0 + c;
        x = transB
          ? load<f32>(b + ((<usize>j * <usize>k + <usize>p) << 2))
          : load<f32>(b + ((<usize>p * <usize>n + <usize>j) << 2));
      }
      store<f32>(d + (<usize>c << 2), x);
    }
  }
}
