import { inOrder } from '../data/transforms.js';
import { reconstructionGrid } from '../views/reconstructions.js';
import { CommandSpec, parseCommand, UsageError } from './flags.js';
import { commonViewFlags, DATA_DIR_FLAG, loadTestImages, outputPath, requireAutoencoder, savePng, scaleOf, SCALE_FLAG, withRun } from './viewCommon.js';

export const RECONSTRUCT_SPEC: CommandSpec = {
  name: 'reconstruct',
  summary: 'test images beside their reconstructions (decoded from the mean code of each)',
  usage: 'vaekit reconstruct <checkpoint file or run directory> [options]',
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

export async function reconstructCommand(argv: string[], log: (s: string) => void): Promise<number> {
  const args = parseCommand(RECONSTRUCT_SPEC, argv);
  if (args.help) return -1;
  return withRun(args, async (opened) => {
    const model = requireAutoencoder(opened.run.model, 'reconstruct');
    const test = await loadTestImages(args, opened);
    const n = (args.flags.n as number | undefined) ?? 16;
    if (n > test.count) throw new UsageError(`--n ${n}: the test set has ${test.count} images`);
    const img = reconstructionGrid(model, test, inOrder(n), { pairsPerRow: args.flags.pairs as number | undefined, scale: scaleOf(args) });
    savePng(outputPath(args, opened.path, 'reconstructions.png'), img, log);
    return 0;
  });
}
