import { encodeImages } from '../views/decode.js';
import { traversalImage } from '../views/traversal.js';
import { CommandSpec, parseCommand } from './flags.js';
import { checkIndex, commonViewFlags, DATA_DIR_FLAG, loadTestImages, outputPath, requireDecoder, requireEncoder, savePng, scaleOf, SCALE_FLAG, withRun } from './viewCommon.js';

export const TRAVERSE_SPEC: CommandSpec = {
  name: 'traverse',
  summary: 'one row per latent dimension, that dimension swept over [-range, range], the others fixed',
  usage: 'vaekit traverse <checkpoint file or run directory> [options]',
  positionals: ['checkpoint'],
  flags: [
    { flag: 'steps', help: 'values per row, evenly spaced, both ends included', type: { type: 'int', min: 2 }, defaultText: '11' },
    { flag: 'range', help: 'each dimension runs from -range to +range', type: { type: 'number', exclusiveMin: 0 }, defaultText: '3' },
    { flag: 'image', help: 'hold the other dimensions at this test image\'s latent mean instead of 0', type: { type: 'int', min: 0 } },
    SCALE_FLAG,
    DATA_DIR_FLAG,
    ...commonViewFlags('traversal.png'),
  ],
  examples: ['vaekit traverse runs/vae-mnist-z20', 'vaekit traverse runs/z2 --steps 15 --image 7'],
};

export async function traverseCommand(argv: string[], log: (s: string) => void): Promise<number> {
  const args = parseCommand(TRAVERSE_SPEC, argv);
  if (args.help) return -1;
  return withRun(args, async (opened) => {
    const model = requireDecoder(opened.run.model, 'traverse');
    let base: Float32Array | undefined;
    if (args.flags.image !== undefined) {
      const test = await loadTestImages(args, opened);
      base = encodeImages(requireEncoder(model, 'traverse --image'), test, [checkIndex('image', args.flags.image as number, test)]);
    }
    const img = traversalImage(model, opened.run.inputShape, {
      steps: (args.flags.steps as number | undefined) ?? 11,
      range: (args.flags.range as number | undefined) ?? 3,
      base,
      scale: scaleOf(args),
    });
    savePng(outputPath(args, opened.path, 'traversal.png'), img, log);
    return 0;
  });
}
