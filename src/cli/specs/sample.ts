/** The flags, help and examples of `vaekit sample`; its code, ../sample.ts, loads only when it runs. */
import { CommandSpec } from '../flags.js';
import { commonViewFlags, LABEL_FLAG, SCALE_FLAG, SEED_FLAG } from '../sharedFlags.js';

export const SAMPLE_SPEC: CommandSpec = {
  name: 'sample',
  summary: 'a grid of images decoded from codes drawn from the prior, z ~ N(0, I) (or a VAE\'s VampPrior: a pseudo-input u_k at random, then z ~ q(z|u_k))',
  usage: 'vaekit sample <checkpoint file, run directory or zoo:<name>> [options]',
  positionals: ['checkpoint'],
  flags: [
    { flag: 'n', help: 'number of samples', type: { type: 'int', min: 1 }, defaultText: '64' },
    { flag: 'columns', help: 'images per row', type: { type: 'int', min: 1 }, defaultText: 'ceil(sqrt(n))' },
    { flag: 'draw', help: 'show a draw x ~ p(x|z) for each code instead of the mean of p(x|z) (VAE and AAE; a gaussian-ar decoder draws its residuals pixel by pixel through the autoregression)', type: { type: 'boolean' } },
    SEED_FLAG,
    LABEL_FLAG,
    SCALE_FLAG,
    ...commonViewFlags('samples.png'),
  ],
  examples: ['vaekit sample runs/vae-mnist-z20', 'vaekit sample runs/z2/last.ckpt --n 100 --seed 7 --out z2-samples.png', 'vaekit sample runs/cvae-z20 --label 3   # class-conditional samples', 'vaekit sample runs/cifar-ar --draw   # x ~ p(x|z), not the mean'],
};
