/** The flags `vaekit compare` (and a compare plan) gives each run's `vaekit train`: no tfjs, so plans are made quickly. */
import { DATA_FIELDS, TRAIN_FIELDS, unusedTrainSettings } from '../config/run.js';
import { FieldSpec } from '../config/schema.js';

/** The config flags given to compare, as `vaekit train` flags for a run of `kind`: those it uses (a fit takes no rate). */
export function forwardedFlags(config: Record<'train' | 'data', Record<string, unknown>>, kind: string): string[] {
  const unused = new Set(unusedTrainSettings(kind, { train: config.train }).map((u) => u.key));
  const out: string[] = [];
  const add = (fields: FieldSpec[], values: Record<string, unknown>) => {
    for (const f of fields) {
      const v = values[f.key];
      if (v !== undefined && !(fields === TRAIN_FIELDS && unused.has(f.key))) out.push(`--${f.flag}`, Array.isArray(v) ? v.join(',') : v === null ? '' : String(v));
    }
  };
  add(TRAIN_FIELDS, config.train);
  add(DATA_FIELDS, config.data);
  return out;
}
