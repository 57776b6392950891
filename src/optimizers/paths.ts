// Where each leaf sits in a tree, for error messages: `[1][0]` for stax's [[W, b], ...],
// `.dense.kernel` for objects (leaves in tree.flatten order).
import type { TreeDef } from '../tree.js';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function leafPaths(def: TreeDef): string[] {
  const paths: string[] = [];
  const walk = (d: TreeDef, path: string): void => {
    if (d.kind === 'leaf') {
      paths.push(path === '' ? '(root)' : path);
    } else if (d.kind === 'array') {
      d.children.forEach((c, i) => walk(c, `${path}[${i}]`));
    } else {
      d.keys.forEach((k, i) =>
        walk(d.children[i], IDENTIFIER.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`),
      );
    }
  };
  walk(def, '');
  return paths;
}
