import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../node/files.js';
import { pngDataUri } from '../node/png.js';
import { RUN_FILES } from '../node/runFiles.js';
import { runOutputDir } from '../node/zoo.js';
import { ClassificationFigures } from '../views/report.js';
import { bestEpochText, REPORT, runReportHtml } from '../views/runReport.js';
import { CLASSIFY_FILE } from './classify.js';
import { ParsedCommand } from './flags.js';
import { checkPicture, loadTestImages, outputPath, scaleOf, withRun } from './viewCommon.js';

/** A JSON object a command wrote beside the checkpoint (runs/zoo/<name>/ for a zoo model), if it is there. */
function readBeside(checkpointPath: string, name: string): Record<string, unknown> | undefined {
  const file = join(runOutputDir(checkpointPath), name);
  if (!existsSync(file)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${file}: expected a JSON object`);
  return value as Record<string, unknown>;
}

/** classify.json's figures, checked, so a hand-edited file is named rather than drawn wrong. */
function readClassification(checkpointPath: string): ClassificationFigures | undefined {
  const json = readBeside(checkpointPath, CLASSIFY_FILE);
  if (!json) return undefined;
  const { error, images, confusion } = json;
  const file = join(runOutputDir(checkpointPath), CLASSIFY_FILE);
  if (typeof error !== 'number' || !(error >= 0 && error <= 1)) throw new Error(`${file}: "error" must be a fraction in [0, 1]`);
  if (typeof images !== 'number' || !Number.isInteger(images) || images < 0) throw new Error(`${file}: "images" must be a count`);
  if (confusion === undefined) return { error, images };
  const K = Math.round(Math.sqrt(Array.isArray(confusion) ? confusion.length : 0));
  if (!Array.isArray(confusion) || K < 1 || K * K !== confusion.length || !confusion.every((n) => Number.isInteger(n) && n >= 0)) {
    throw new Error(`${file}: "confusion" must be K x K counts`);
  }
  return { error, images, confusion: confusion as number[] };
}

export async function reportCommand(args: ParsedCommand, log: (s: string) => void): Promise<number> {
  return withRun(args, async (opened) => {
    const { run, path } = opened;
    const { config, state } = run;
    // The largest pictures at --scale: the manifold's grid and the traversal's row per latent dimension.
    const latent = (run.model as { latentDim?: number }).latentDim ?? 0;
    checkPicture(args, ['scale'], REPORT.grid ** 2, REPORT.grid, run.inputShape);
    checkPicture(args, ['scale'], Math.max(1, latent) * REPORT.traverseSteps, REPORT.traverseSteps, run.inputShape);
    // A label-aware model's samples (a row per label) and analogies (a column per label) grow with its classes.
    const classes = (run.model as { numClasses?: number }).numClasses ?? 0;
    if (classes > 0) {
      checkPicture(args, ['scale'], classes * REPORT.samplesPerLabel, REPORT.samplesPerLabel, run.inputShape);
      checkPicture(args, ['scale'], REPORT.analogies * (classes + 1), classes + 1, run.inputShape);
    }
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
        ['best epoch', bestEpochText(state)],
      ],
      config,
      history: state.history,
      evaluation: readBeside(path, RUN_FILES.eval),
      classification: readClassification(path),
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
