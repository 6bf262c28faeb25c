import { sampleGrid } from '../views/samples.js';
import { CommandSpec, parseCommand, UsageError } from './flags.js';
import { LABEL_FLAG, labelledDecoder } from './labelViews.js';
import { commonViewFlags, outputPath, requirePrior, savePng, scaleOf, SCALE_FLAG, SEED_FLAG, withRun } from './viewCommon.js';

export const SAMPLE_SPEC: CommandSpec = {
  name: 'sample',
  summary: 'a grid of images decoded from codes drawn from the prior, z ~ N(0, I)',
  usage: 'vaekit sample <checkpoint file or run directory> [options]',
  positionals: ['checkpoint'],
  flags: [
    { flag: 'n', help: 'number of samples', type: { type: 'int', min: 1 }, defaultText: '64' },
    { flag: 'columns', help: 'images per row', type: { type: 'int', min: 1 }, defaultText: 'ceil(sqrt(n))' },
    { flag: 'draw', help: 'show a draw x ~ p(x|z) for each code instead of the mean of p(x|z) (VAE and AAE; a gaussian-ar decoder draws its residuals pixel by pixel through the autoregression)', type: { type: 'boolean' } },
    SEED_FLAG,
    LABEL_FLAG,
    SCALE_FLAG,
    ...commonViewFlags('samples.png'),
  ],
  examples: ['vaekit sample runs/vae-mnist-z20', 'vaekit sample runs/z2/last.ckpt --n 100 --seed 7 --out z2-samples.png', 'vaekit sample runs/cvae-z20 --label 3   # class-conditional samples', 'vaekit sample runs/cifar-ar --draw   # x ~ p(x|z), not the mean'],
};

export async function sampleCommand(argv: string[], log: (s: string) => void): Promise<number> {
  const args = parseCommand(SAMPLE_SPEC, argv);
  if (args.help) return -1;
  return withRun(args, ({ path, run }) => {
    const label = args.flags.label as number | undefined;
    const model = label === undefined ? requirePrior(run.model, 'sample') : labelledDecoder(run.model, 'sample', label, true);
    const draw = args.flags.draw === true;
    if (draw && (label !== undefined || !model.decodeDraw)) throw new UsageError(`--draw: ${label !== undefined ? 'draws given a label are not offered' : `model kind ${run.model.kind} offers no draws from p(x|z)`}; drop --draw (VAE and AAE offer them)`);
    const img = sampleGrid(model, run.inputShape, {
      n: (args.flags.n as number | undefined) ?? 64,
      draw,
      seed: (args.flags.seed as number | undefined) ?? 0,
      columns: args.flags.columns as number | undefined,
      scale: scaleOf(args),
    });
    savePng(outputPath(args, path, 'samples.png'), img, log);
    return 0;
  });
}
