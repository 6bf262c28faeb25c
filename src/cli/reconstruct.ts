import { inOrder } from '../data/transforms.js';
import { reconstructionGrid } from '../views/reconstructions.js';
import { ParsedCommand, UsageError } from './flags.js';
import { checkPicture, loadTestImages, outputPath, requireAutoencoder, savePng, scaleOf, withRun } from './viewCommon.js';

export async function reconstructCommand(args: ParsedCommand, log: (s: string) => void): Promise<number> {
  return withRun(args, async (opened) => {
    const model = requireAutoencoder(opened.run.model);
    const test = await loadTestImages(args, opened);
    const n = (args.flags.n as number | undefined) ?? 16;
    if (n > test.count) throw new UsageError(`--n ${n}: the test set has ${test.count} images`);
    const pairs = (args.flags.pairs as number | undefined) ?? Math.ceil(Math.sqrt(n));
    checkPicture(args, ['n', 'pairs', 'scale'], 2 * n, 2 * pairs, opened.run.inputShape);
    const img = reconstructionGrid(model, test, inOrder(n), { pairsPerRow: pairs, scale: scaleOf(args) });
    savePng(outputPath(args, opened.path, 'reconstructions.png'), img, log);
    return 0;
  });
}
