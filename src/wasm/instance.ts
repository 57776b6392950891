// Instantiates the wasm core once, at import time (top-level await), in Node and in browsers.
// The bytes are inlined as base64 (see scripts/embed-wasm.mjs): no file paths, no fetch, so a
// bundled page works without configuration. The exports' types are generated from the wasm at
// build time (scripts/type-exports.mjs), so every call into the core is type-checked.
import { instantiate } from '@assemblyscript/loader';
import { CORE_WASM_BASE64 } from './core.generated.js';
import type { CoreExports } from './exports.generated.js';

export type { CoreExports } from './exports.generated.js';

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const compiled = await instantiate<Record<string, unknown>>(decodeBase64(CORE_WASM_BASE64), {
  env: {
    abort(_message: number, _file: number, line: number, column: number) {
      throw new Error(`wasm core aborted at line ${line}:${column}`);
    },
  },
});

/** The compiled module (its export list is what tests/wasm-seam.test.ts checks the types against). */
export const coreModule: WebAssembly.Module = compiled.module;

/** The kernels. Pointers are byte offsets; u32 results come back signed (`>>> 0` them). */
export const core = compiled.exports as unknown as CoreExports;
