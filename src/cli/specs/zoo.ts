/** The flags, help and examples of `vaekit zoo`; its code, ../zoo.ts, loads only when it runs. */
import { CommandSpec } from '../flags.js';

export const ZOO_SPEC: CommandSpec = {
  name: 'zoo',
  summary: 'the trained models shipped with vaekit (name, kind, data, test figure): open one as zoo:<name> wherever a checkpoint goes',
  usage: 'vaekit zoo [--json]',
  flags: [{ flag: 'json', help: 'print the manifest (zoo/manifest.json): each model\'s command, training time, figures and check slice', type: { type: 'boolean' } }],
  examples: ['vaekit zoo', 'vaekit eval zoo:cvae-mnist-z2 --limit 1000', 'vaekit sample zoo:cvae-mnist-z2 --label 3   # writes runs/zoo/cvae-mnist-z2/samples.png', 'vaekit serve   # the app\'s model picker offers the zoo'],
};
