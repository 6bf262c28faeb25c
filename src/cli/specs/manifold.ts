/** The flags, help and examples of `vaekit manifold`; its code, ../manifold.ts, loads only when it runs. */
import { CommandSpec } from '../flags.js';
import { commonViewFlags, LABEL_FLAG, SCALE_FLAG } from '../sharedFlags.js';

export const MANIFOLD_SPEC: CommandSpec = {
  name: 'manifold',
  summary: 'decoded images over a grid of two latent dimensions at Gaussian quantiles (Kingma & Welling 2014, fig. 4)',
  usage: 'vaekit manifold <checkpoint file, run directory or zoo:<name>> [options]',
  positionals: ['checkpoint'],
  flags: [
    { flag: 'grid', help: 'points per axis: the quantiles Phi^-1((k + 1/2) / grid), k = 0..grid-1', type: { type: 'int', min: 2 }, defaultText: '20' },
    { flag: 'dims', help: 'the two latent dimensions to span (columns, rows); the others are held at 0', type: { type: 'int-list', min: 0 }, defaultText: '0,1' },
    LABEL_FLAG,
    SCALE_FLAG,
    ...commonViewFlags('manifold.png'),
  ],
  examples: ['vaekit manifold runs/z2', 'vaekit manifold runs/vae-mnist-z20 --dims 3,7 --grid 15', 'vaekit manifold runs/cvae-z2 --label 7   # handwriting styles of one digit'],
};
