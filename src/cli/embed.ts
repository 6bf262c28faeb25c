import { inOrder, limit } from '../data/transforms.js';
import { writeFileAtomic } from '../node/files.js';
import { embeddingSvg } from '../views/embedding.js';
import { ParsedCommand } from './flags.js';
import { loadTestImages, outputPath, requireEncoder, withRun } from './viewCommon.js';

export async function embedCommand(args: ParsedCommand, log: (s: string) => void): Promise<number> {
  return withRun(args, async (opened) => {
    const model = requireEncoder(opened.run.model);
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
