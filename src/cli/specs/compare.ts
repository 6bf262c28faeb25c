/** The flags, help and examples of `vaekit compare`; its code, ../compare.ts, loads only when it runs. */
import { DATA_DEFAULTS, DATA_FIELDS, TRAIN_DEFAULTS, TRAIN_FIELDS } from '../../config/run.js';
import { MODEL_KINDS } from '../../models/registry.js';
import { CommandSpec } from '../flags.js';
import { BACKEND_FLAG } from '../sharedFlags.js';

export const COMPARE_SPEC: CommandSpec = {
  name: 'compare',
  summary: 'train (or reuse) several model kinds at several latent sizes and compare their test reconstructions',
  usage: 'vaekit compare [--models pca,ae,dae,cae,vae] [--latent 2,5,20] [options]',
  groups: [
    { title: 'Training (every run)', section: 'train', fields: TRAIN_FIELDS, defaults: TRAIN_DEFAULTS },
    { title: 'Data (every run)', section: 'data', fields: DATA_FIELDS, defaults: DATA_DEFAULTS },
  ],
  flags: [
    { flag: 'models', help: `model kinds to compare, comma-separated (${Object.keys(MODEL_KINDS).join(', ')}), each with its defaults`, type: { type: 'string' }, defaultText: 'pca,ae,dae,cae,vae' },
    { flag: 'latent', help: 'latent sizes, comma-separated', type: { type: 'int-list', min: 1 }, defaultText: '2,5,20' },
    { flag: 'out', help: 'directory of the runs (<kind>-z<latent>/) and of the comparison files; finished runs in it are reused', type: { type: 'string' }, defaultText: 'runs/compare' },
    { flag: 'digits', help: 'test digits in the reconstruction picture', type: { type: 'int', min: 1 }, defaultText: '10' },
    { flag: 'test-limit', help: 'score only the first N test images (0: all)', type: { type: 'int', min: 0 }, defaultText: '0' },
    BACKEND_FLAG,
  ],
  examples: [
    'vaekit compare --models pca,ae,dae,cae,vae --latent 2,5,20 --epochs 10',
    'vaekit compare --models pca,vae --latent 2 --epochs 1 --limit 2000 --out runs/quick',
  ],
};
