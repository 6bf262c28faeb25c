import { inOrder } from '../data/transforms.js';
import { analogyImage } from '../views/analogies.js';
import { canDecodeGivenLabel, canEncodeGivenLabel } from '../views/capabilities.js';
import { ParsedCommand, UsageError } from './flags.js';
import { checkPicture, loadTestImages, outputPath, savePng, scaleOf, withRun } from './viewCommon.js';

export async function analogiesCommand(args: ParsedCommand, log: (s: string) => void): Promise<number> {
  return withRun(args, async (opened) => {
    const model = opened.run.model;
    if (!canEncodeGivenLabel(model) || !canDecodeGivenLabel(model)) throw new UsageError(`model kind ${model.kind} has no encoder q(z|x,y) and decoder p(x|y,z) that take the label (try a cvae)`);
    const test = await loadTestImages(args, opened);
    const n = (args.flags.n as number | undefined) ?? 10;
    const from = (args.flags.from as number | undefined) ?? 0;
    if (from + n > test.count) throw new UsageError(`--from ${from} --n ${n}: the test set has ${test.count} images`);
    checkPicture(args, ['n', 'scale'], n * (model.numClasses + 1), model.numClasses + 1, opened.run.inputShape);
    const indices = inOrder(n).map((i) => i + from);
    const img = analogyImage(model, test, indices, { scale: scaleOf(args) });
    savePng(outputPath(args, opened.path, 'analogies.png'), img, log);
    return 0;
  });
}
