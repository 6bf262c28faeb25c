/** The flags, help and examples of `vaekit ssl`; its code, ../ssl.ts, loads only when it runs. */
import { MODEL_KINDS } from '../../models/registry.js';
import { CommandSpec } from '../flags.js';
import { BACKEND_FLAG, configGroups, ENGINE_FLAG, otherKindsFlags, THREADS_FLAG } from '../sharedFlags.js';

/** The kinds the experiment runs: those trained by a semi-supervised objective. */
const SSL_KINDS: string[] = Object.values(MODEL_KINDS).filter((s) => ['semi-supervised', 'two-stage'].includes(s.trainer)).map((s) => s.kind);

/** The kind `vaekit ssl` runs, read before parsing since it decides the model flags: --model, else m2. */
export function sslKindOf(argv: string[]): string {
  const i = argv.findIndex((a) => a === '--model' || a.startsWith('--model='));
  const value = i < 0 ? undefined : argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
  return value !== undefined && SSL_KINDS.includes(value) ? value : 'm2';
}

export function sslSpec(kind: string): CommandSpec {
  return {
    name: 'ssl',
    summary: 'semi-supervised MNIST experiment of Kingma et al. 2014 (Table 1): test error over seeds, beside the paper',
    usage: 'vaekit ssl --model m2|m1m2 --labels 100[,600,1000,3000] [--seeds 3] [options]',
    // --labels and --seeds stand for the model's labelled count and the run seed.
    groups: configGroups(kind).map((g) => ({ ...g, fields: g.fields.filter((f) => f.key !== 'labelled' && f.key !== 'seed') })),
    elsewhere: otherKindsFlags(kind, SSL_KINDS, 'ssl'),
    flags: [
      { flag: 'model', help: `model kind: ${SSL_KINDS.join(', ')}; see --model <kind> --help for its flags`, type: { type: 'enum', choices: SSL_KINDS }, defaultText: 'm2' },
      { flag: 'labels', help: 'labelled training images, balanced over the 10 classes; a list runs each', type: { type: 'int-list', min: 10 }, defaultText: '100' },
      { flag: 'seeds', help: 'seeds per number of labels (0, 1, ...): each its own labelled subset, split and initialization', type: { type: 'int', min: 1 }, defaultText: '3' },
      { flag: 'only-seed', help: 'train only this one of the seeds, e.g. to spread them over processes; the table still covers every finished run', type: { type: 'int', min: 0 }, defaultText: 'all' },
      { flag: 'm1-from', help: 'm1m2: the --out of an earlier vaekit ssl whose runs may lend their first stage (M1) to this one\'s runs of the same seed: those whose settings differ only in M2\'s (--hidden, --alpha, --feature-min-std, ...) train the same M1; refused where none agrees', type: { type: 'string' }, defaultText: 'none' },
      { flag: 'out', help: 'experiment directory: <model>-<labels>/seed-<s>/ per run, and the table ssl.md, ssl.json', type: { type: 'string' }, defaultText: 'runs/ssl' },
      BACKEND_FLAG,
      ENGINE_FLAG,
      THREADS_FLAG,
    ],
    examples: [
      'vaekit ssl --model m2 --labels 100 --seeds 3',
      'vaekit ssl --model m1m2 --labels 100,600,1000,3000 --epochs 300',
      'vaekit ssl --model m2 --labels 100 --seeds 1 --epochs 10   # a short budget; rerun with more --epochs to go on',
      'vaekit ssl --model m1m2 --seeds 3 --only-seed 2            # one seed per process, the same --out',
      'vaekit ssl --model m1m2 --hidden 300 --m1-from runs/ssl --out runs/ssl-h300   # M2 afresh on the M1 runs/ssl trained',
    ],
  };
}
