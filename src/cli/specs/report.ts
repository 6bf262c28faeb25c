/** The flags, help and examples of `vaekit report`; its code, ../report.ts, loads only when it runs. */
import { CommandSpec } from '../flags.js';
import { commonViewFlags, DATA_DIR_FLAG, SCALE_FLAG, SEED_FLAG } from '../sharedFlags.js';

export const REPORT_SPEC: CommandSpec = {
  name: 'report',
  summary: 'one self-contained HTML page: config, training curves, the figures of eval.json and classify.json, and every picture the model can draw',
  usage: 'vaekit report <checkpoint file, run directory or zoo:<name>> [options]',
  positionals: ['checkpoint'],
  flags: [
    { flag: 'embed-limit', help: 'test images in the latent map', type: { type: 'int', min: 1 }, defaultText: '5000' },
    SEED_FLAG,
    SCALE_FLAG,
    DATA_DIR_FLAG,
    ...commonViewFlags('report.html'),
  ],
  examples: ['vaekit report runs/vae-mnist-z20', 'vaekit report runs/z2/last.ckpt --out z2.html'],
};
