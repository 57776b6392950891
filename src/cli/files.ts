// Writing a file so that readers only ever see the old content or the whole new content: write a
// temporary file beside it, then rename it over the target (atomic on POSIX file systems). A
// failed write (disk full, file size limit) removes the temporary file and leaves the target as
// it was. Checkpoints, run files and SVGs are all written this way. The CLI's writes are
// synchronous, so a SIGINT (handled between steps) never lands between the write and the rename.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The temporary file a write of `path` goes through. */
export function partialPath(path: string): string {
  return `${path}.partial`;
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const partial = partialPath(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(partial, data);
    renameSync(partial, path);
  } catch (e) {
    try {
      rmSync(partial, { force: true });
    } catch {
      // the original error says more than a failed clean-up would
    }
    throw new Error(`cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
}
