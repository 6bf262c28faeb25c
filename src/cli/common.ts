import { DATA_DEFAULTS, DATA_FIELDS, TRAIN_DEFAULTS, TRAIN_FIELDS } from '../config/run.js';
import { MODEL_KINDS } from '../models/registry.js';
import { BACKENDS } from '../node/backend.js';
import { CommandFlag, FieldGroup } from './flags.js';

export const BACKEND_FLAG: CommandFlag = {
  flag: 'backend',
  help: 'numeric engine: auto takes @tensorflow/tfjs-node if installed, else wasm',
  type: { type: 'enum', choices: BACKENDS },
  defaultText: 'auto',
};

/** The config groups shown by `vaekit train --help`. */
export function configGroups(): FieldGroup[] {
  const vae = MODEL_KINDS.vae;
  return [
    { title: 'Model (vae)', section: 'model', fields: vae.fields, defaults: vae.defaults },
    { title: 'Training', section: 'train', fields: TRAIN_FIELDS, defaults: TRAIN_DEFAULTS },
    { title: 'Data', section: 'data', fields: DATA_FIELDS, defaults: DATA_DEFAULTS },
  ];
}

/** Formats nats with two decimals. */
export function nats(v: number | undefined): string {
  return v === undefined ? '-' : v.toFixed(2);
}

/** "recon 80.12, kl 25.01" from named metrics, total first and left out. */
export function termsText(m: Record<string, number>): string {
  return Object.entries(m)
    .filter(([k]) => k !== 'total')
    .map(([k, v]) => `${k} ${nats(v)}`)
    .join(', ');
}
