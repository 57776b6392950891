// Instantiates the wasm core once, at import time (top-level await), in Node and in browsers.
// The bytes are inlined as base64 (see scripts/embed-wasm.mjs): no file paths, no fetch, so a
// bundled page works without configuration.
import { instantiate } from '@assemblyscript/loader';
import { CORE_WASM_BASE64 } from './core.generated.js';

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Kernel exports: every function takes and returns plain numbers (pointers are byte offsets). */
export type CoreExports = Record<string, (...args: number[]) => number> & {
  memory: WebAssembly.Memory;
};

const module = await instantiate<Record<string, unknown>>(decodeBase64(CORE_WASM_BASE64), {
  env: {
    abort(_message: number, _file: number, line: number, column: number) {
      throw new Error(`wasm core aborted at line ${line}:${column}`);
    },
  },
});

export const core = module.exports as unknown as CoreExports;
