/** The flags, help and examples of `vaekit reconstruct`; its code, ../reconstruct.ts, loads only when it runs. */
import { CommandSpec } from '../flags.js';
import { commonViewFlags, DATA_DIR_FLAG, SCALE_FLAG } from '../sharedFlags.js';

export const RECONSTRUCT_SPEC: CommandSpec = {
  name: 'reconstruct',
  summary: 'test images beside their reconstructions (decoded from the mean code of each)',
  usage: 'vaekit reconstruct <checkpoint file, run directory or zoo:<name>> [options]',
  positionals: ['checkpoint'],
  flags: [
    { flag: 'n', help: 'number of test images, taken from the start of the test set', type: { type: 'int', min: 1 }, defaultText: '16' },
    { flag: 'pairs', help: '(input, reconstruction) pairs per row', type: { type: 'int', min: 1 }, defaultText: 'ceil(sqrt(n))' },
    SCALE_FLAG,
    DATA_DIR_FLAG,
    ...commonViewFlags('reconstructions.png'),
  ],
  examples: ['vaekit reconstruct runs/vae-mnist-z20', 'vaekit reconstruct runs/z2 --n 32 --pairs 8'],
};
