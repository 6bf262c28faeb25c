/** The flags, help and examples of `vaekit embed`; its code, ../embed.ts, loads only when it runs. */
import { CommandSpec } from '../flags.js';
import { commonViewFlags, DATA_DIR_FLAG } from '../sharedFlags.js';

export const EMBED_SPEC: CommandSpec = {
  name: 'embed',
  summary: 'scatter plot (SVG) of the test set\'s latent means coloured by label; beyond 2-D, on the first two principal components',
  usage: 'vaekit embed <checkpoint file, run directory or zoo:<name>> [options]',
  positionals: ['checkpoint'],
  flags: [
    { flag: 'limit', help: 'plot only the first N test images (0: all)', type: { type: 'int', min: 0 }, defaultText: '0' },
    DATA_DIR_FLAG,
    ...commonViewFlags('embedding.svg'),
  ],
  examples: ['vaekit embed runs/z2', 'vaekit embed runs/vae-mnist-z20 --limit 2000 --out z20.svg'],
};
