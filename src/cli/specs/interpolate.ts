/** The flags, help and examples of `vaekit interpolate`; its code, ../interpolate.ts, loads only when it runs. */
import { CommandSpec } from '../flags.js';
import { commonViewFlags, DATA_DIR_FLAG, SCALE_FLAG } from '../sharedFlags.js';

export const INTERPOLATE_SPEC: CommandSpec = {
  name: 'interpolate',
  summary: 'decoded codes on the path between two test images\' latent means, the two images at the ends',
  usage: 'vaekit interpolate <checkpoint file, run directory or zoo:<name>> [options]',
  positionals: ['checkpoint'],
  flags: [
    { flag: 'from', help: 'index of the first test image', type: { type: 'int', min: 0 }, defaultText: '0' },
    { flag: 'to', help: 'index of the last test image', type: { type: 'int', min: 0 }, defaultText: '1' },
    { flag: 'steps', help: 'decoded codes on the path, both ends included', type: { type: 'int', min: 2 }, defaultText: '10' },
    { flag: 'slerp', help: 'spherical instead of linear interpolation (Shoemake 1985; White 2016)', type: { type: 'boolean' } },
    SCALE_FLAG,
    DATA_DIR_FLAG,
    ...commonViewFlags('interpolation.png'),
  ],
  examples: ['vaekit interpolate runs/z2 --from 0 --to 1', 'vaekit interpolate runs/vae-mnist-z20 --from 3 --to 42 --steps 12 --slerp'],
};
