#!/usr/bin/env node
// adahessian-wasm's command line: `adahessian-wasm train|verify|compare [options]` (see usage.ts).
import { runCli } from './cli.js';

process.exitCode = await runCli(process.argv.slice(2));
