import { inOrder, limit } from '../data/transforms.js';
import { writeFileAtomic } from '../node/files.js';
import { embeddingSvg } from '../views/embedding.js';
import { CommandSpec, parseCommand } from './flags.js';
import { commonViewFlags, DATA_DIR_FLAG, loadTestImages, outputPath, requireEncoder, withRun } from './viewCommon.js';

export const EMBED_SPEC: CommandSpec = {
  name: 'embed',
  summary: 'scatter plot (SVG) of the test set\'s latent means coloured by label; beyond 2-D, on the first two principal components',
  usage: 'vaekit embed <checkpoint file or run directory> [options]',
  positionals: ['checkpoint'],
  flags: [
    { flag: 'limit', help: 'plot only the first N test images (0: all)', type: { type: 'int', min: 0 }, defaultText: '0' },
    DATA_DIR_FLAG,
    ...commonViewFlags('embedding.svg'),
  ],
  examples: ['vaekit embed runs/z2', 'vaekit embed runs/vae-mnist-z20 --limit 2000 --out z20.svg'],
};

export async function embedCommand(argv: string[], log: (s: string) => void): Promise<number> {
  const args = parseCommand(EMBED_SPEC, argv);
  if (args.help) return -1;
  return withRun(args, async (opened) => {
    const model = requireEncoder(opened.run.model, 'embed');
    const n = (args.flags.limit as number | undefined) ?? 0;
    let test = await loadTestImages(args, opened);
    if (n > 0) test = limit(test, n);
    const svg = embeddingSvg(model, test, inOrder(test.count));
    const out = outputPath(args, opened.path, 'embedding.svg');
    writeFileAtomic(out, svg);
    log(out);
    return 0;
  });
}
