import { encodeImages } from '../views/decode.js';
import { traversalImage } from '../views/traversal.js';
import { ParsedCommand } from './flags.js';
import { checkIndex, checkPicture, loadTestImages, outputPath, requireDecoder, requireEncoder, savePng, scaleOf, withRun } from './viewCommon.js';

export async function traverseCommand(args: ParsedCommand, log: (s: string) => void): Promise<number> {
  return withRun(args, async (opened) => {
    const model = requireDecoder(opened.run.model);
    const steps = (args.flags.steps as number | undefined) ?? 11;
    checkPicture(args, ['steps', 'scale'], model.latentDim * steps, steps, opened.run.inputShape);
    let base: Float32Array | undefined;
    if (args.flags.image !== undefined) {
      const test = await loadTestImages(args, opened);
      base = encodeImages(requireEncoder(model, '--image'), test, [checkIndex('image', args.flags.image as number, test)]);
    }
    const img = traversalImage(model, opened.run.inputShape, {
      steps,
      range: (args.flags.range as number | undefined) ?? 3,
      base,
      scale: scaleOf(args),
    });
    savePng(outputPath(args, opened.path, 'traversal.png'), img, log);
    return 0;
  });
}
