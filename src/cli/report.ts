import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../node/files.js';
import { pngDataUri } from '../node/png.js';
import { RUN_FILES } from '../node/runFiles.js';
import { REPORT, runReportHtml } from '../views/runReport.js';
import { ParsedCommand } from './flags.js';
import { checkPicture, loadTestImages, outputPath, scaleOf, withRun } from './viewCommon.js';

/** eval.json beside the checkpoint, if `vaekit eval` wrote one. */
function readEvaluation(checkpointPath: string): Record<string, unknown> | undefined {
  const file = join(dirname(checkpointPath), RUN_FILES.eval);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
}

export async function reportCommand(args: ParsedCommand, log: (s: string) => void): Promise<number> {
  return withRun(args, async (opened) => {
    const { run, path } = opened;
    const { config, state } = run;
    // The largest pictures at --scale: the manifold's grid and the traversal's row per latent dimension.
    const latent = (run.model as { latentDim?: number }).latentDim ?? 0;
    checkPicture(args, ['scale'], REPORT.grid ** 2, REPORT.grid, run.inputShape);
    checkPicture(args, ['scale'], Math.max(1, latent) * REPORT.traverseSteps, REPORT.traverseSteps, run.inputShape);
    const html = runReportHtml({
      model: run.model,
      shape: run.inputShape,
      test: await loadTestImages(args, opened),
      title: `vaekit: ${config.model.kind} on ${config.data.data}, latent ${config.model.latentDim}`,
      summary: [
        ['checkpoint', path],
        ['model', `${config.model.kind}, ${run.model.params.count().toLocaleString('en-US')} parameters`],
        ['images', run.inputShape.join('x')],
        ['epochs trained', String(state.epoch)],
        ['best epoch', state.best ? `${state.best.epoch} (${state.best.total.toFixed(2)} nats)` : '-'],
      ],
      config,
      history: state.history,
      evaluation: readEvaluation(path),
      toDataUri: pngDataUri,
      scale: scaleOf(args),
      seed: (args.flags.seed as number | undefined) ?? 0,
      embedCount: args.flags['embed-limit'] as number | undefined,
    });
    const out = outputPath(args, path, 'report.html');
    writeFileAtomic(out, html);
    log(out);
    return 0;
  });
}
