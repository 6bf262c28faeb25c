/** The flags, help and examples of `vaekit traverse`; its code, ../traverse.ts, loads only when it runs. */
import { CommandSpec } from '../flags.js';
import { commonViewFlags, DATA_DIR_FLAG, SCALE_FLAG } from '../sharedFlags.js';

export const TRAVERSE_SPEC: CommandSpec = {
  name: 'traverse',
  summary: 'one row per latent dimension, that dimension swept over [-range, range], the others fixed',
  usage: 'vaekit traverse <checkpoint file, run directory or zoo:<name>> [options]',
  positionals: ['checkpoint'],
  flags: [
    { flag: 'steps', help: 'values per row, evenly spaced, both ends included', type: { type: 'int', min: 2 }, defaultText: '11' },
    { flag: 'range', help: 'each dimension runs from -range to +range', type: { type: 'number', exclusiveMin: 0 }, defaultText: '3' },
    { flag: 'image', help: 'hold the other dimensions at this test image\'s latent mean instead of 0', type: { type: 'int', min: 0 } },
    SCALE_FLAG,
    DATA_DIR_FLAG,
    ...commonViewFlags('traversal.png'),
  ],
  examples: ['vaekit traverse runs/vae-mnist-z20', 'vaekit traverse runs/z2 --steps 15 --image 7'],
};
