// Instantiates the wasm core once, at import time (top-level await), in Node and in browsers.
// The bytes are inlined as base64 (see scripts/embed-wasm.mjs): no file paths, no fetch, so a
// bundled page works without configuration. The exports' types are generated from the wasm at
// build time (scripts/type-exports.mjs), so every call into the core is type-checked.
//
// Where threads are possible (src/threads/platform.ts) the core is the shared-memory build over a
// shared WebAssembly.Memory, and `core` dispatches its splittable kernels over a pool of workers
// holding the same compiled module (src/threads/split.ts), behind the same typed interface;
// elsewhere it is the plain build with its own memory. Both builds come from the same source and
// give the same bits.
import { instantiate } from '@assemblyscript/loader';
import { CORE_SHARED_WASM_BASE64, CORE_WASM_BASE64 } from './core.generated.js';
import type { CoreExports } from './exports.generated.js';
import { detectPlatform } from '../threads/platform.js';
import { Pool } from '../threads/pool.js';
import { splitKernels, type Kernels } from '../threads/split.js';

export type { CoreExports } from './exports.generated.js';

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The shared build's memory: 1 MiB to start, up to 65536 pages, wasm32's whole 4 GiB. */
const INITIAL_PAGES = 16;
const MAXIMUM_PAGES = 65536;

function sharedMemory(): WebAssembly.Memory | null {
  try {
    return new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared: true });
  } catch {
    return null; // the engine cannot reserve it: the plain build, one thread
  }
}

const imports = {
  abort(_message: number, _file: number, line: number, column: number) {
    throw new Error(`wasm core aborted at line ${line}:${column}`);
  },
};

const platform = await detectPlatform();
const memory = platform.threaded ? sharedMemory() : null;
const compiled = await instantiate<Record<string, unknown>>(
  decodeBase64(memory ? CORE_SHARED_WASM_BASE64 : CORE_WASM_BASE64),
  { env: memory ? { ...imports, memory } : imports },
);

/** The compiled module (its export list is what tests/wasm-seam.test.ts checks the types against). */
export const coreModule: WebAssembly.Module = compiled.module;

const exports = compiled.exports;
const kernelNames = Object.keys(exports).filter((name) => typeof exports[name] === 'function').sort();

/** The thread pool, or null where the core runs on one thread only (see threadsUnavailableReason). */
export const pool = memory ? new Pool(coreModule, memory, kernelNames, exports, platform) : null;

/** Why this core runs on one thread ('' when it can use threads). */
export const threadsUnavailableReason = memory
  ? ''
  : platform.reason || 'the engine could not create a shared WebAssembly.Memory';

/** The kernels. Pointers are byte offsets; u32 results come back signed (`>>> 0` them). */
export const core = (pool ? splitKernels(exports as unknown as Kernels, pool) : exports) as unknown as CoreExports;
