// Loading the golden files in tests/fixtures/ (see tests/fixtures/README.md for what made each)
// and comparing trees of tensors against them.
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { Tensor, tensor, tree, np, nn } from '../../src/index.js';

export function golden(name: string): any {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
}

/** The shape of nested number arrays that form a rectangular tensor, else null. */
function tensorShape(a: any): number[] | null {
  if (typeof a === 'number') return [];
  if (!Array.isArray(a) || a.length === 0) return null;
  const inner = a.map(tensorShape);
  const first = inner[0];
  if (first === null || inner.some((s) => s === null || s.join() !== first.join())) return null;
  return [a.length, ...first];
}

/** Golden trees `[[W, b], ...]` of nested number arrays → the same tree of Tensors. */
export function toTensors(x: any): any {
  if (tensorShape(x) !== null) return tensor(x);
  if (Array.isArray(x)) return x.map(toTensors);
  return x;
}

/** Relative max-norm error over all leaves: max |got - want| / max |want|. */
export function relativeError(got: any, want: any): number {
  const g = tree.leaves(got) as Tensor[];
  const w = tree.leaves(toTensors(want)) as Tensor[];
  assert.equal(g.length, w.length, 'same number of leaves');
  let err = 0;
  let scale = 0;
  g.forEach((t, i) => {
    assert.deepEqual(t.shape, w[i].shape, `leaf ${i} shape`);
    t.data.forEach((v, j) => {
      err = Math.max(err, Math.abs(v - w[i].data[j]));
      scale = Math.max(scale, Math.abs(w[i].data[j]));
    });
  });
  return err / Math.max(scale, 1e-30);
}

export function assertClose(got: any, want: any, tol: number, what: string): void {
  const e = relativeError(got, want);
  assert.ok(e <= tol, `${what}: relative error ${e.toExponential(3)} > ${tol}`);
}

/** The golden files' model: Dense layers with ReLU between, log-softmax cross-entropy. */
export function mlpLoss(params: [Tensor, Tensor][], x: Tensor, y: Tensor): Tensor {
  let h = x;
  params.forEach(([w, b], i) => {
    h = nn.dense(h, w, b);
    if (i < params.length - 1) h = nn.relu(h);
  });
  return np.negative(np.mean(np.sum(np.multiply(nn.logSoftmax(h), y), 1)));
}
