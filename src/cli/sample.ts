import { sampleGrid } from '../views/samples.js';
import { ParsedCommand, UsageError } from './flags.js';
import { labelledDecoder } from './labelViews.js';
import { checkPicture, outputPath, requirePrior, savePng, scaleOf, withRun } from './viewCommon.js';

export async function sampleCommand(args: ParsedCommand, log: (s: string) => void): Promise<number> {
  return withRun(args, ({ path, run }) => {
    const label = args.flags.label as number | undefined;
    const model = label === undefined ? requirePrior(run.model) : labelledDecoder(run.model, label, true);
    const draw = args.flags.draw === true;
    if (draw && (label !== undefined || !model.decodeDraw)) throw new UsageError(`--draw: ${label !== undefined ? 'draws given a label are not offered' : `model kind ${run.model.kind} offers no draws from p(x|z)`}; drop --draw (VAE and AAE offer them)`);
    const n = (args.flags.n as number | undefined) ?? 64;
    const columns = args.flags.columns as number | undefined;
    checkPicture(args, ['n', 'columns', 'scale'], n, columns ?? Math.ceil(Math.sqrt(n)), run.inputShape);
    const img = sampleGrid(model, run.inputShape, {
      n,
      draw,
      seed: (args.flags.seed as number | undefined) ?? 0,
      columns,
      scale: scaleOf(args),
    });
    savePng(outputPath(args, path, 'samples.png'), img, log);
    return 0;
  });
}
