// Pytrees: nested arrays and plain objects whose leaves are tensors (or, inside a transform,
// traced values). flatten/unflatten fix one traversal order: arrays by index, objects by sorted
// key (as JAX sorts dict keys), so two trees with the same structure line up leaf for leaf.

export type Tree<L = unknown> = L | readonly Tree<L>[] | { readonly [key: string]: Tree<L> };

/** A tree's structure without its leaves: enough to rebuild it and to compare two trees. */
export type TreeDef =
  | { kind: 'leaf' }
  | { kind: 'array'; children: TreeDef[] }
  | { kind: 'object'; keys: string[]; children: TreeDef[] };

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Internal nodes are arrays and plain objects; everything else is a leaf. */
function build(x: unknown, leaves: unknown[]): TreeDef {
  if (Array.isArray(x)) return { kind: 'array', children: x.map((c) => build(c, leaves)) };
  if (isPlainObject(x)) {
    const keys = Object.keys(x).sort();
    return { kind: 'object', keys, children: keys.map((k) => build(x[k], leaves)) };
  }
  leaves.push(x);
  return { kind: 'leaf' };
}

export function flatten<L = unknown>(t: Tree<L>): [L[], TreeDef] {
  const leaves: L[] = [];
  const def = build(t, leaves as unknown[]);
  return [leaves, def];
}

export function leaves<L = unknown>(t: Tree<L>): L[] {
  return flatten(t)[0];
}

export function countLeaves(def: TreeDef): number {
  if (def.kind === 'leaf') return 1;
  let n = 0;
  for (const c of def.children) n += countLeaves(c);
  return n;
}

export function unflatten<L = unknown>(def: TreeDef, leafValues: readonly L[]): Tree<L> {
  const need = countLeaves(def);
  if (leafValues.length !== need) {
    throw new RangeError(
      `unflatten: structure ${formatTreeDef(def)} has ${need} leaves, got ${leafValues.length}`,
    );
  }
  let next = 0;
  const rebuild = (d: TreeDef): Tree<L> => {
    if (d.kind === 'leaf') return leafValues[next++];
    if (d.kind === 'array') return d.children.map(rebuild);
    // Defined, not assigned: assigning '__proto__' would set the prototype and drop the leaf.
    const out: Record<string, Tree<L>> = {};
    d.keys.forEach((k, i) =>
      Object.defineProperty(out, k, { value: rebuild(d.children[i]), enumerable: true, writable: true, configurable: true }),
    );
    return out;
  };
  return rebuild(def);
}

/** A compact rendering of a structure: `*` for a leaf, e.g. `[[*, *], {b: *, w: *}]`. */
export function formatTreeDef(def: TreeDef): string {
  if (def.kind === 'leaf') return '*';
  if (def.kind === 'array') return `[${def.children.map(formatTreeDef).join(', ')}]`;
  return `{${def.keys.map((k, i) => `${k}: ${formatTreeDef(def.children[i])}`).join(', ')}}`;
}

export function sameStructure(a: TreeDef, b: TreeDef): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'leaf') return true;
  const bc = b as Exclude<TreeDef, { kind: 'leaf' }>;
  if (a.children.length !== bc.children.length) return false;
  if (a.kind === 'object') {
    const bk = (b as { keys: string[] }).keys;
    if (a.keys.some((k, i) => k !== bk[i])) return false;
  }
  return a.children.every((c, i) => sameStructure(c, bc.children[i]));
}

/** Throws a TypeError naming both structures when they differ. */
export function assertSameStructure(a: TreeDef, b: TreeDef, what = 'trees'): void {
  if (!sameStructure(a, b)) {
    throw new TypeError(
      `${what} have different structures: ${formatTreeDef(a)} vs ${formatTreeDef(b)}`,
    );
  }
}

/** Applies `f` leaf-wise over trees that must share one structure (the first tree's). */
export function map<R = unknown>(f: (...leaves: any[]) => R, first: Tree, ...rest: Tree[]): Tree<R> {
  const [firstLeaves, def] = flatten(first);
  const restLeaves = rest.map((t, i) => {
    const [l, d] = flatten(t);
    assertSameStructure(def, d, `tree.map: tree 0 and tree ${i + 1}`);
    return l;
  });
  return unflatten(
    def,
    firstLeaves.map((leaf, j) => f(leaf, ...restLeaves.map((l) => l[j]))),
  );
}
