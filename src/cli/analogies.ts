import { inOrder } from '../data/transforms.js';
import { analogyImage } from '../views/analogies.js';
import { canDecodeGivenLabel, canEncodeGivenLabel } from '../views/capabilities.js';
import { CommandSpec, parseCommand, UsageError } from './flags.js';
import { commonViewFlags, DATA_DIR_FLAG, loadTestImages, outputPath, savePng, scaleOf, SCALE_FLAG, withRun } from './viewCommon.js';

export const ANALOGIES_SPEC: CommandSpec = {
  name: 'analogies',
  summary: 'test images (first column), their code decoded with every label 0-9 along the row: style kept, digit changed (Kingma et al. 2014, fig. 1)',
  usage: 'vaekit analogies <checkpoint file or run directory> [options]',
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

export async function analogiesCommand(argv: string[], log: (s: string) => void): Promise<number> {
  const args = parseCommand(ANALOGIES_SPEC, argv);
  if (args.help) return -1;
  return withRun(args, async (opened) => {
    const model = opened.run.model;
    if (!canEncodeGivenLabel(model) || !canDecodeGivenLabel(model)) throw new UsageError(`analogies: model kind ${model.kind} has no encoder q(z|x,y) and decoder p(x|y,z) that take the label (try a cvae)`);
    const test = await loadTestImages(args, opened);
    const n = (args.flags.n as number | undefined) ?? 10;
    const from = (args.flags.from as number | undefined) ?? 0;
    if (from + n > test.count) throw new UsageError(`--from ${from} --n ${n}: the test set has ${test.count} images`);
    const indices = inOrder(n).map((i) => i + from);
    const img = analogyImage(model, test, indices, { scale: scaleOf(args) });
    savePng(outputPath(args, opened.path, 'analogies.png'), img, log);
    return 0;
  });
}
