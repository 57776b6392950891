// The command line as a function: runCli(argv) → a promise of the exit code (main.ts hands it process.argv).
import { compare, processIo, train, verify, type Io } from './commands.js';
import { Interrupted } from './interrupt.js';
import { USAGE, UsageError } from './usage.js';

const COMMANDS: Record<string, (args: string[], io: Io) => Promise<number>> = { train, verify, compare };

export async function runCli(argv: string[], io: Io = processIo): Promise<number> {
  const [command, ...args] = argv;
  const fail = (message: string) => {
    io.err.write(`adahessian-wasm: ${message}\n\n${USAGE}`);
    return 2;
  };
  if (command === undefined) return fail('expected a command');
  if (command === '--help' || command === '-h' || command === 'help' || args.includes('--help')) {
    io.out(USAGE);
    return 0;
  }
  try {
    const run = COMMANDS[command];
    if (!run) throw new UsageError(`unknown command '${command}'`);
    return await run(args, io);
  } catch (e) {
    if (e instanceof UsageError) return fail(e.message);
    if (e instanceof Interrupted) {
      io.err.write(`adahessian-wasm: ${e.message}\n`);
      return 130;
    }
    io.err.write(`adahessian-wasm: ${(e as Error).message}\n`);
    return 1;
  }
}
