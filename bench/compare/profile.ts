// Where our time goes: a V8 CPU profile (node:inspector) of our gradient + HVP, self time per
// function. V8 names wasm functions only by index ("wasm-function[15]"); the release build's text
// file build/core.wat lists the functions in index order, so we name them from it when
// build/core.wasm is byte for byte the core that src/ inlines. Run alone:
// `node --import tsx bench/compare/profile.ts [full|small]`.
import { existsSync, readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { CORE_WASM_BASE64 } from '../../src/wasm/core.generated.js';
import { ours } from './contenders/ours.js';
import { MODELS, makeProblem, type Problem } from './problem.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));

export interface ProfileEntry {
  /** "matmul/simd/rowsOfPanel8 (wasm)" or "copyOut (src/wasm/arena.ts)" */
  name: string;
  msPerCall: number;
  share: number;
}

export interface Profile {
  model: string;
  wallMsPerCall: number;
  /** Matrix-multiply flops of one gradient + HVP (forward-over-reverse, no input tangent). */
  matmulGflop: number;
  /** Self time per call in the matmul kernels (assembly/matmul: packing and micro-kernels). */
  matmulMsPerCall: number;
  /** Self time per call over all functions (the profiler's own calls left out). */
  sampledMsPerCall: number;
  entries: ProfileEntry[];
}

/**
 * Names for the core's wasm functions by index. The release build's text file build/core.wat lists
 * every function in index order, so when build/core.wasm is byte for byte the core that src/
 * inlines, all of them get their source names ("matmul/simd/rowsOfPanel8"). Otherwise only the
 * exported ones are named (from the binary's export section).
 */
function wasmFunctionNames(): Map<number, string> {
  const bytes = Buffer.from(CORE_WASM_BASE64, 'base64');
  const wasm = `${repo}build/core.wasm`;
  const wat = `${repo}build/core.wat`;
  const names = new Map<number, string>();
  if (existsSync(wasm) && existsSync(wat) && readFileSync(wasm).equals(bytes)) {
    // Imported functions come first in the index space, then the module's own, in text order.
    let index = 0;
    for (const m of readFileSync(wat, 'utf8').matchAll(/^ \(import "[^"]*" "[^"]*" \(func \$(\S+)|^ \(func \$(\S+)/gm)) {
      names.set(index++, (m[1] ?? m[2]).replace(/^assembly\//, ''));
    }
    return names;
  }
  for (const [index, name] of exportedFunctions(bytes)) names.set(index, `${name} (export)`);
  return names;
}

/** [function index, export name] for every exported function of a wasm binary. */
function exportedFunctions(bytes: Uint8Array): [number, string][] {
  let pos = 8; // magic and version
  const leb = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[pos++];
      value |= (byte & 0x7f) << shift;
      if (byte < 0x80) return value >>> 0;
    }
  };
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const size = leb();
    const end = pos + size;
    if (id === 7) {
      const out: [number, string][] = [];
      for (let n = leb(); n > 0; n--) {
        const length = leb();
        const name = new TextDecoder().decode(bytes.subarray(pos, pos + length));
        pos += length;
        const kind = bytes[pos++];
        const index = leb();
        if (kind === 0) out.push([index, name]);
      }
      return out;
    }
    pos = end;
  }
  return [];
}

/**
 * Matmul flops of our forward-over-reverse pass: per layer of k inputs and n outputs, 2·m·k·n for
 * each product — forward a·W; tangent a·V (+ ȧ·W past the first layer); gradient aᵀ·g and its
 * tangent aᵀ·ġ (+ ȧᵀ·g); past the first layer the input cotangent g·Wᵀ and its tangent ġ·Wᵀ + g·Vᵀ.
 */
export function gradHvpMatmulFlops({ sizes, batch }: Problem): number {
  let flops = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const products = l === 0 ? 4 : 9;
    flops += products * 2 * batch * sizes[l] * sizes[l + 1];
  }
  return flops;
}

type Frame = { functionName: string; url: string };

function frameName(frame: Frame, wasmNames: Map<number, string>): string {
  const wasmIndex = /^wasm-function\[(\d+)\]$/.exec(frame.functionName);
  if (wasmIndex) return `${wasmNames.get(Number(wasmIndex[1])) ?? frame.functionName} (wasm)`;
  const file = frame.url.includes('/src/') ? `src/${frame.url.split('/src/')[1]}` : frame.url.split('/').pop();
  return `${frame.functionName || '(anonymous)'}${file ? ` (${file})` : ' (V8/Node built-in)'}`;
}

/** Profiles `calls` warm calls of our gradient + HVP on `problem`, on one thread (the profiler sees only this one). */
export async function profileOurs(problem: Problem, calls = 10): Promise<Profile> {
  const gradHvp = ours(problem, 1).tasks.gradHvp!;
  for (let i = 0; i < 5; i++) gradHvp(); // warm: V8's optimizing tiers

  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  const started = performance.now();
  for (let i = 0; i < calls; i++) gradHvp();
  const wallMs = performance.now() - started;
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();

  const selfUs = new Map<number, number>();
  profile.samples!.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + profile.timeDeltas![i]));
  const wasmNames = wasmFunctionNames();
  // An unnamed internal wasm function is named after its nearest named caller.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const nameOf = (id: number): string => {
    const name = frameName(byId.get(id)!.callFrame, wasmNames);
    if (!/^wasm-function\[/.test(name)) return name;
    for (let up = parent.get(id); up !== undefined; up = parent.get(up)) {
      const caller = frameName(byId.get(up)!.callFrame, wasmNames);
      if (!/^wasm-function\[/.test(caller)) return `${name.replace(/ \(wasm\)$/, '')} inside ${caller}`;
    }
    return name;
  };
  // Samples under the inspector's own post() (starting and stopping the profiler) are not ours.
  const inProfiler = (id: number): boolean => {
    for (let up: number | undefined = id; up !== undefined; up = parent.get(up)) {
      if (byId.get(up)!.callFrame.url.startsWith('node:inspector')) return true;
    }
    return false;
  };
  const byName = new Map<string, number>();
  for (const node of profile.nodes) {
    if (inProfiler(node.id)) continue;
    const name = nameOf(node.id);
    byName.set(name, (byName.get(name) ?? 0) + (selfUs.get(node.id) ?? 0));
  }
  const totalUs = [...byName.values()].reduce((a, b) => a + b, 0);
  const entries = [...byName]
    .map(([name, us]) => ({ name, msPerCall: us / 1000 / calls, share: us / totalUs }))
    .sort((a, b) => b.msPerCall - a.msPerCall);
  return {
    model: problem.label,
    wallMsPerCall: wallMs / calls,
    matmulGflop: gradHvpMatmulFlops(problem) / 1e9,
    // The matmul kernels: by source name, or exported or called from the matmul export.
    matmulMsPerCall: entries
      .filter((e) => /^matmul\/|^matmul \(export\)|inside matmul \(export\)/.test(e.name))
      .reduce((t, e) => t + e.msPerCall, 0),
    sampledMsPerCall: totalUs / 1000 / calls,
    entries,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const model = MODELS.find((m) => m.name === (process.argv[2] ?? 'full'));
  if (!model) throw new Error(`profile: no model ${process.argv[2]} (expected full or small)`);
  const p = await profileOurs(makeProblem(model));
  console.log(`our gradient + HVP, MLP ${p.model}: ${p.wallMsPerCall.toFixed(1)} ms per call`);
  console.log(`matmul: ${p.matmulGflop.toFixed(2)} GFLOP in ${p.matmulMsPerCall.toFixed(1)} ms = ${(p.matmulGflop / p.matmulMsPerCall * 1000).toFixed(1)} GFLOP/s`);
  for (const e of p.entries.slice(0, 15)) {
    console.log(`${(e.share * 100).toFixed(1).padStart(5)} %  ${e.msPerCall.toFixed(2).padStart(7)} ms  ${e.name}`);
  }
}
