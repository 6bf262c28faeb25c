/** The flags, help and examples of `vaekit classify`; its code, ../classify.ts, loads only when it runs. */
import { CommandSpec } from '../flags.js';
import { commonViewFlags, DATA_DIR_FLAG } from '../sharedFlags.js';

export const CLASSIFY_SPEC: CommandSpec = {
  name: 'classify',
  summary: 'test error of the classifier q(y|x) of a label-aware model (m2, m1m2), and its confusion matrix',
  usage: 'vaekit classify <checkpoint file, run directory or zoo:<name>> [options]',
  positionals: ['checkpoint'],
  flags: [
    { flag: 'limit', help: 'score only the first N test images (0: all)', type: { type: 'int', min: 0 }, defaultText: '0' },
    { flag: 'seed', help: 'seed of the test-set binarization, when the run trained on binary data', type: { type: 'int', min: 0 }, defaultText: '0' },
    DATA_DIR_FLAG,
    ...commonViewFlags('confusion.svg'),
  ],
  examples: ['vaekit classify runs/ssl/m2-100/seed-0', 'vaekit classify runs/ssl/m1m2-100/seed-0/best.ckpt --out m1m2-confusion.svg'],
};
