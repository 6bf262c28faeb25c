import { checkDims } from '../views/latents.js';
import { manifoldImage } from '../views/manifold.js';
import { ParsedCommand, UsageError } from './flags.js';
import { labelledDecoder } from './labelViews.js';
import { checkPicture, outputPath, requireDecoder, savePng, scaleOf, withRun } from './viewCommon.js';

export async function manifoldCommand(args: ParsedCommand, log: (s: string) => void): Promise<number> {
  const dims = (args.flags.dims as number[] | undefined) ?? [0, 1];
  if (dims.length !== 2) throw new UsageError(`--dims: expected two latent dimensions i,j, got ${dims.join(',') || 'none'}`);
  return withRun(args, ({ path, run }) => {
    const label = args.flags.label as number | undefined;
    const model = label === undefined ? requireDecoder(run.model) : labelledDecoder(run.model, label, false);
    if (model.latentDim < 2) throw new UsageError(`the model's latent space has ${model.latentDim} dimension; a manifold needs two`);
    let pair: [number, number];
    try {
      pair = checkDims(dims, model.latentDim);
    } catch (e) {
      throw new UsageError(`--dims ${dims.join(',')}: ${(e as Error).message}`);
    }
    const grid = (args.flags.grid as number | undefined) ?? 20;
    checkPicture(args, ['grid', 'scale'], grid * grid, grid, run.inputShape);
    const { image } = manifoldImage(model, run.inputShape, { grid, dims: pair, scale: scaleOf(args) });
    savePng(outputPath(args, path, 'manifold.png'), image, log);
    return 0;
  });
}
