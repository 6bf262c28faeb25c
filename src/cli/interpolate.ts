import { interpolationImage } from '../views/interpolation.js';
import { CommandSpec, parseCommand } from './flags.js';
import { checkIndex, commonViewFlags, DATA_DIR_FLAG, loadTestImages, outputPath, requireAutoencoder, savePng, scaleOf, SCALE_FLAG, withRun } from './viewCommon.js';

export const INTERPOLATE_SPEC: CommandSpec = {
  name: 'interpolate',
  summary: 'decoded codes on the path between two test images\' latent means, the two images at the ends',
  usage: 'vaekit interpolate <checkpoint file or run directory> [options]',
  positionals: ['checkpoint'],
  flags: [
    { flag: 'from', help: 'index of the first test image', type: { type: 'int', min: 0 }, defaultText: '0' },
    { flag: 'to', help: 'index of the last test image', type: { type: 'int', min: 0 }, defaultText: '1' },
    { flag: 'steps', help: 'decoded codes on the path, both ends included', type: { type: 'int', min: 2 }, defaultText: '10' },
    { flag: 'slerp', help: 'spherical instead of linear interpolation (Shoemake 1985; White 2016)', type: { type: 'boolean' } },
    SCALE_FLAG,
    DATA_DIR_FLAG,
    ...commonViewFlags('interpolation.png'),
  ],
  examples: ['vaekit interpolate runs/z2 --from 0 --to 1', 'vaekit interpolate runs/vae-mnist-z20 --from 3 --to 42 --steps 12 --slerp'],
};

export async function interpolateCommand(argv: string[], log: (s: string) => void): Promise<number> {
  const args = parseCommand(INTERPOLATE_SPEC, argv);
  if (args.help) return -1;
  return withRun(args, async (opened) => {
    const model = requireAutoencoder(opened.run.model, 'interpolate');
    const test = await loadTestImages(args, opened);
    const img = interpolationImage(model, test, {
      from: checkIndex('from', (args.flags.from as number | undefined) ?? 0, test),
      to: checkIndex('to', (args.flags.to as number | undefined) ?? 1, test),
      steps: (args.flags.steps as number | undefined) ?? 10,
      spherical: args.flags.slerp === true,
      scale: scaleOf(args),
    });
    savePng(outputPath(args, opened.path, 'interpolation.png'), img, log);
    return 0;
  });
}
