/** The flags, help and examples of `vaekit analogies`; its code, ../analogies.ts, loads only when it runs. */
import { CommandSpec } from '../flags.js';
import { commonViewFlags, DATA_DIR_FLAG, SCALE_FLAG } from '../sharedFlags.js';

export const ANALOGIES_SPEC: CommandSpec = {
  name: 'analogies',
  summary: 'test images (first column), their code decoded with every label 0-9 along the row: style kept, digit changed (Kingma et al. 2014, fig. 1)',
  usage: 'vaekit analogies <checkpoint file, run directory or zoo:<name>> [options]',
  positionals: ['checkpoint'],
  flags: [
    { flag: 'n', help: 'number of test images (rows), taken from --from on', type: { type: 'int', min: 1 }, defaultText: '10' },
    { flag: 'from', help: 'index of the first test image', type: { type: 'int', min: 0 }, defaultText: '0' },
    SCALE_FLAG,
    DATA_DIR_FLAG,
    ...commonViewFlags('analogies.png'),
  ],
  examples: ['vaekit analogies runs/cvae-z20', 'vaekit analogies runs/cvae-z20 --n 6 --from 100 --scale 1'],
};
