// The CLI's commands: train, verify, compare. Each returns its exit code.
import { accessSync, constants, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Dataset } from '../datasets/dataset.js';
import { Trainer, datasetSha256, type TrainConfig, type TrainingState } from '../training/index.js';
import { readCheckpoint } from './checkpoint.js';
import { loadData } from './data.js';
import { writeFileAtomic } from './files.js';
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
  writeFileAtomic(path, learningCurvesSvg(runs, title));
}

/**
 * Throws a UsageError unless files can be written at `path` (a file, or with `isDirectory` a
 * directory): checked before training, so a bad --out costs nothing. The nearest existing
 * ancestor must be a writable directory and the path itself, if it exists, of the right kind.
 */
function checkWritable(flag: string, path: string, isDirectory = false): void {
  const fail = (why: string): never => {
    throw new UsageError(`${flag} ${path}: ${why}`);
  };
  const kind = (p: string) => {
    try {
      return statSync(p).isDirectory() ? 'directory' : 'file';
    } catch {
      return null;
    }
  };
  const here = kind(path);
  if (here === 'directory' && !isDirectory) fail('is a directory, expected a file name');
  if (here === 'file' && isDirectory) fail('is a file, expected a directory');
  let ancestor = resolve(isDirectory && here === 'directory' ? path : dirname(path));
  while (kind(ancestor) === null && dirname(ancestor) !== ancestor) ancestor = dirname(ancestor);
  if (kind(ancestor) !== 'directory') fail(`${ancestor} is not a directory`);
  try {
    accessSync(ancestor, constants.W_OK);
  } catch {
    fail(`${ancestor} is not writable`);
  }
}

/** The run file of the run a checkpoint belongs to: runs/x.step30.ckpt → runs/x.json. */
function runFileOf(checkpoint: string): string {
  const match = /^(.*)\.step\d+\.ckpt$/.exec(checkpoint);
  if (!match) {
    throw new UsageError(
      `--resume ${checkpoint}: give --out (only a checkpoint named <run>.step<N>.ckpt says which run file it continues)`,
    );
  }
  return `${match[1]}.json`;
}

interface Resume {
  path: string;
  dataSha256: string;
  state: TrainingState;
}

/** Trains one config to the end (or from a checkpoint) and returns its record. */
async function trainRun(
  io: Io,
  name: string,
  config: TrainConfig,
  options: { resume?: Resume; checkpointEvery?: number; checkpointStem?: string; data?: Dataset } = {},
): Promise<RunRecord> {
  const data = options.data ?? loadData(config.data, config.limit);
  const dataSha256 = await datasetSha256(data);
  const resume = options.resume;
  let trainer: Trainer;
  try {
    if (resume && resume.dataSha256 !== dataSha256) {
      throw new RangeError(
        `cannot resume: the checkpoint was trained on data with SHA-256 ${resume.dataSha256}, but ` +
          `${config.data} (limit ${config.limit}) has ${dataSha256}; resume on the same data`,
      );
    }
    trainer = new Trainer(config, data, resume?.state);
  } catch (e) {
    throw resume ? new Error(`${resume.path}: ${(e as Error).message}`, { cause: e }) : e;
  }
  const every = options.checkpointEvery;
  const checkpointing = every
    ? {
        every,
        dataSha256,
        path: (step: number) => `${options.checkpointStem}.step${step}.ckpt`,
        written: (p: string) => io.out(`checkpoint ${p}\n`),
      }
    : undefined;
  await runToEnd(trainer, name, makeProgress(io.err), checkpointing);
  return recordOf(name, trainer, dataSha256, resume?.path);
}

export async function train(args: string[], io: Io = processIo): Promise<number> {
  const say = (line: string) => io.out(line + '\n');
  const { values } = parseFlags('train', args, TRAIN_OPTIONS);
  const checkpointEvery = values['checkpoint-every'] !== undefined ? integerFlag('checkpoint-every', values['checkpoint-every']) : undefined;
  let config: TrainConfig;
  let resume: Resume | undefined;
  if (values.resume !== undefined) {
    const given = configFlagsGiven(values);
    if (given.length > 0) {
      throw new UsageError(`--resume takes the run's settings from the checkpoint; drop ${given.map((f) => `--${f}`).join(', ')}`);
    }
    const checkpoint = readCheckpoint(existingFile('--resume', values.resume));
    config = checkpoint.config;
    resume = { path: values.resume, dataSha256: checkpoint.dataSha256, state: checkpoint.state };
  } else {
    config = trainConfigFromFlags(values);
  }
  const out = values.out ?? (resume ? runFileOf(resume.path) : join('runs', `${config.optimizer}.json`));
  checkWritable('--out', out);
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
  const data = loadData(recorded.config.data, recorded.config.limit);
  const dataSha256 = await datasetSha256(data);
  if (dataSha256 !== recorded.dataSha256) {
    say(`MISMATCH: ${path} was trained on data with SHA-256 ${recorded.dataSha256}, but ${recorded.config.data} now has ${dataSha256}`);
    return 1;
  }
  const rerun = await trainRun(io, `verify ${recorded.name}`, recorded.config, { data });
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
  checkWritable('--out-dir', dir, true);
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
