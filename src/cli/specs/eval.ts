/** The flags, help and examples of `vaekit eval`; its code, ../eval.ts, loads only when it runs. */
import { CommandSpec } from '../flags.js';
import { BACKEND_FLAG, ENGINE_FLAG, THREADS_FLAG } from '../sharedFlags.js';

export const EVAL_SPEC: CommandSpec = {
  name: 'eval',
  summary: 'every test figure that applies to a checkpoint: reconstruction error; for a VAE the negative ELBO and -log p(x) (and bits/dim on grey-level data with a Gaussian or discretized-logistic decoder); for a CVAE the same given the label; for M2 and M1+M2 the bounds -L(x,y) and -U(x) and the classifier\'s error; for an AAE the MMD of codes to the prior',
  usage: 'vaekit eval <checkpoint file, run directory or zoo:<name>> [options]',
  positionals: ['checkpoint'],
  flags: [
    { flag: 'k', help: 'importance samples per image for -log p(x) of a VAE, -log p(x|y) of a CVAE (0: skip the estimate)', type: { type: 'int', min: 0 }, defaultText: '5000' },
    { flag: 'split', help: 'which images to score', type: { type: 'enum', choices: ['test', 'train'] }, defaultText: 'test' },
    { flag: 'limit', help: 'score only the first N images (0: all)', type: { type: 'int', min: 0 }, defaultText: '0' },
    { flag: 'samples', help: 'Monte Carlo samples of z per image for the ELBO and the bounds', type: { type: 'int', min: 1 }, defaultText: '1' },
    { flag: 'seed', help: 'seed of the test-set binarization and of the samples', type: { type: 'int', min: 0 }, defaultText: '0' },
    { flag: 'data-dir', help: 'read the data set from here instead of the place the run used', type: { type: 'string' } },
    { flag: 'out', help: 'where to write the figures as JSON', type: { type: 'string' }, defaultText: 'eval.json beside the checkpoint; runs/zoo/<name>/eval.json for a zoo model' },
    BACKEND_FLAG,
    THREADS_FLAG,
    ENGINE_FLAG,
  ],
  examples: ['vaekit eval runs/vae-mnist-z20', 'vaekit eval zoo:cvae-mnist-z2 --limit 1000   # a model of the zoo (vaekit zoo lists them)', 'vaekit eval runs/vae-mnist-z20/last.ckpt --k 0', 'vaekit eval runs/vae-mnist-z20 --k 1000 --limit 1000'],
};
