import { interpolationImage } from '../views/interpolation.js';
import { ParsedCommand } from './flags.js';
import { checkIndex, checkPicture, loadTestImages, outputPath, requireAutoencoder, savePng, scaleOf, withRun } from './viewCommon.js';

export async function interpolateCommand(args: ParsedCommand, log: (s: string) => void): Promise<number> {
  return withRun(args, async (opened) => {
    const model = requireAutoencoder(opened.run.model);
    const steps = (args.flags.steps as number | undefined) ?? 10;
    checkPicture(args, ['steps', 'scale'], steps + 2, steps + 2, opened.run.inputShape);
    const test = await loadTestImages(args, opened);
    const img = interpolationImage(model, test, {
      from: checkIndex('from', (args.flags.from as number | undefined) ?? 0, test),
      to: checkIndex('to', (args.flags.to as number | undefined) ?? 1, test),
      steps,
      spherical: args.flags.slerp === true,
      scale: scaleOf(args),
    });
    savePng(outputPath(args, opened.path, 'interpolation.png'), img, log);
    return 0;
  });
}
