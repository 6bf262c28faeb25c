import { checkDims } from '../views/latents.js';
import { manifoldImage } from '../views/manifold.js';
import { CommandSpec, parseCommand, UsageError } from './flags.js';
import { LABEL_FLAG, labelledDecoder } from './labelViews.js';
import { commonViewFlags, outputPath, requireDecoder, savePng, scaleOf, SCALE_FLAG, withRun } from './viewCommon.js';

export const MANIFOLD_SPEC: CommandSpec = {
  name: 'manifold',
  summary: 'decoded images over a grid of two latent dimensions at Gaussian quantiles (Kingma & Welling 2014, fig. 4)',
  usage: 'vaekit manifold <checkpoint file or run directory> [options]',
  positionals: ['checkpoint'],
  flags: [
    { flag: 'grid', help: 'points per axis: the quantiles Phi^-1((k + 1/2) / grid), k = 0..grid-1', type: { type: 'int', min: 2 }, defaultText: '20' },
    { flag: 'dims', help: 'the two latent dimensions to span (columns, rows); the others are held at 0', type: { type: 'int-list', min: 0 }, defaultText: '0,1' },
    LABEL_FLAG,
    SCALE_FLAG,
    ...commonViewFlags('manifold.png'),
  ],
  examples: ['vaekit manifold runs/z2', 'vaekit manifold runs/vae-mnist-z20 --dims 3,7 --grid 15', 'vaekit manifold runs/cvae-z2 --label 7   # handwriting styles of one digit'],
};

export async function manifoldCommand(argv: string[], log: (s: string) => void): Promise<number> {
  const args = parseCommand(MANIFOLD_SPEC, argv);
  if (args.help) return -1;
  const dims = (args.flags.dims as number[] | undefined) ?? [0, 1];
  if (dims.length !== 2) throw new UsageError(`--dims: expected two latent dimensions i,j, got ${dims.join(',') || 'none'}`);
  return withRun(args, ({ path, run }) => {
    const label = args.flags.label as number | undefined;
    const model = label === undefined ? requireDecoder(run.model, 'manifold') : labelledDecoder(run.model, 'manifold', label, false);
    if (model.latentDim < 2) throw new UsageError(`manifold: the model's latent space has ${model.latentDim} dimension; a manifold needs two`);
    let pair: [number, number];
    try {
      pair = checkDims(dims, model.latentDim);
    } catch (e) {
      throw new UsageError(`--dims ${dims.join(',')}: ${(e as Error).message}`);
    }
    const { image } = manifoldImage(model, run.inputShape, { grid: (args.flags.grid as number | undefined) ?? 20, dims: pair, scale: scaleOf(args) });
    savePng(outputPath(args, path, 'manifold.png'), image, log);
    return 0;
  });
}
