#!/usr/bin/env node
// adahessian-wasm's command line: `adahessian-wasm train|verify|compare [options]` (see usage.ts).
import { runCli } from './cli.js';
import { requestInterrupt } from './interrupt.js';

// The first Ctrl-C stops the run at the next step boundary (exit 130); a second one exits at once.
process.once('SIGINT', () => {
  requestInterrupt();
  process.once('SIGINT', () => process.exit(130));
});

process.exitCode = await runCli(process.argv.slice(2));
