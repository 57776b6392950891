// The CLI's commands: train, verify, compare. Each returns its exit code.
import { writeFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Trainer, type TrainConfig, type TrainingState } from '../training/index.js';
import { readCheckpoint } from './checkpoint.js';
import { loadData } from './data.js';
import { learningCurvesSvg } from './plot.js';
import { readRunRecord, recordOf, writeRunRecord, type RunRecord } from './record.js';
import { summaryTable } from './table.js';
import {
  COMPARE_OPTIONS,
  TRAIN_OPTIONS,
  configFlagsGiven,
  existingFile,
  integerFlag,
  parseFlags,
  runConfigFromFlags,
  trainConfigFromFlags,
} from './flags.js';
import { makeProgress } from './progress.js';
import { runToEnd } from './run.js';
import { UsageError } from './usage.js';

/** Where a command writes: results to out, progress to err (the process's stdout and stderr by default). */
export interface Io {
  out: (text: string) => void;
  err: NodeJS.WriteStream | NodeJS.WritableStream;
}

export const processIo: Io = { out: (text) => process.stdout.write(text), err: process.stderr };

/** runs/x.json → runs/x (the stem the SVG and checkpoints share). */
function stem(out: string): string {
  return out.endsWith('.json') ? out.slice(0, -'.json'.length) : out;
}

function writeSvg(path: string, runs: RunRecord[], title: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, learningCurvesSvg(runs, title));
}

/** Trains one config to the end (or from a checkpoint) and returns its record. */
async function trainRun(
  io: Io,
  name: string,
  config: TrainConfig,
  options: { resume?: { path: string; state: TrainingState }; checkpointEvery?: number; checkpointStem?: string } = {},
): Promise<RunRecord> {
  const data = loadData(config.data, config.limit);
  const trainer = new Trainer(config, data, options.resume?.state);
  const every = options.checkpointEvery;
  const checkpointing = every
    ? { every, path: (step: number) => `${options.checkpointStem}.step${step}.ckpt`, written: (p: string) => io.out(`checkpoint ${p}\n`) }
    : undefined;
  runToEnd(trainer, name, makeProgress(io.err), checkpointing);
  return recordOf(name, trainer, options.resume?.path);
}

export async function train(args: string[], io: Io = processIo): Promise<number> {
  const say = (line: string) => io.out(line + '\n');
  const { values } = parseFlags('train', args, TRAIN_OPTIONS);
  const checkpointEvery = values['checkpoint-every'] !== undefined ? integerFlag('checkpoint-every', values['checkpoint-every']) : undefined;
  let config: TrainConfig;
  let resume: { path: string; state: TrainingState } | undefined;
  if (values.resume !== undefined) {
    const given = configFlagsGiven(values);
    if (given.length > 0) {
      throw new UsageError(`--resume takes the run's settings from the checkpoint; drop ${given.map((f) => `--${f}`).join(', ')}`);
    }
    const checkpoint = readCheckpoint(existingFile('--resume', values.resume));
    config = checkpoint.config;
    resume = { path: values.resume, state: checkpoint.state };
  } else {
    config = trainConfigFromFlags(values);
  }
  const out = values.out ?? join('runs', `${config.optimizer}.json`);
  const record = await trainRun(io, basename(stem(out)), config, { resume, checkpointEvery, checkpointStem: stem(out) });
  writeRunRecord(out, record);
  writeSvg(`${stem(out)}.svg`, [record], `${record.name}: ${config.optimizer}`);
  say(summaryTable([record]));
  say(`params sha256 ${record.paramsSha256}`);
  say(`wrote ${out} and ${stem(out)}.svg`);
  return 0;
}

export async function verify(args: string[], io: Io = processIo): Promise<number> {
  const say = (line: string) => io.out(line + '\n');
  const { positionals } = parseFlags('verify', args, {}, 1);
  if (positionals.length !== 1) throw new UsageError('verify: expected the run file, e.g. verify runs/adam.json');
  const path = positionals[0];
  const recorded = readRunRecord(existingFile('verify', path));
  const rerun = await trainRun(io, `verify ${recorded.name}`, recorded.config);
  say(`recorded sha256 ${recorded.paramsSha256}`);
  say(`rerun    sha256 ${rerun.paramsSha256}`);
  if (rerun.paramsSha256 === recorded.paramsSha256) {
    say(`OK: ${path} reproduced bit for bit`);
    return 0;
  }
  say(`MISMATCH: the rerun of ${path} ended with different parameters`);
  return 1;
}

export async function compare(args: string[], io: Io = processIo): Promise<number> {
  const say = (line: string) => io.out(line + '\n');
  const { values } = parseFlags('compare', args, COMPARE_OPTIONS);
  const name = values.name ?? 'compare';
  if (!/^[\w.-]+$/.test(name)) throw new UsageError(`--name must be letters, digits, '.', '_' or '-', got '${name}'`);
  const dir = values['out-dir'] ?? 'runs';
  const records: RunRecord[] = [];
  for (const optimizer of ['adam', 'adahessian'] as const) {
    const config = runConfigFromFlags(optimizer, values);
    const record = await trainRun(io, `${name}-${optimizer}`, config);
    writeRunRecord(join(dir, `${record.name}.json`), record);
    records.push(record);
  }
  const svg = join(dir, `${name}.svg`);
  writeSvg(svg, records, `${name}: Adam vs AdaHessian`);
  say('');
  say(summaryTable(records));
  say('');
  for (const r of records) say(`${r.name}: params sha256 ${r.paramsSha256}`);
  say(`wrote ${records.map((r) => join(dir, `${r.name}.json`)).join(', ')} and ${svg}`);
  return 0;
}
