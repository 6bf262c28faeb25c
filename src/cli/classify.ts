import { dirname, join } from 'node:path';
import { prepareTestData } from '../data/prepare.js';
import { limit } from '../data/transforms.js';
import { confusionMatrix, errorRate, predictLabels } from '../eval/classification.js';
import { isClassifier } from '../models/labelled.js';
import { ensureDir, writeFileAtomic } from '../node/files.js';
import { saveJson } from '../node/runFiles.js';
import { runOutputDir } from '../node/zoo.js';
import { Progress } from '../node/progress.js';
import { confusionSvg } from '../views/confusion.js';
import { ParsedCommand, UsageError } from './flags.js';
import { loadTestImages, outputPath, withRun } from './viewCommon.js';

/** Where classify writes its figures, beside the checkpoint's outputs; the report reads them. */
export const CLASSIFY_FILE = 'classify.json';

export async function classifyCommand(args: ParsedCommand, log: (s: string) => void): Promise<number> {
  return withRun(args, async (opened) => {
    const { model, config } = opened.run;
    if (!isClassifier(model)) throw new UsageError(`model kind ${model.kind} has no classifier q(y|x) (try m2 or m1m2)`);
    let test = await loadTestImages(args, opened);
    const n = args.flags.limit as number | undefined;
    if (n) test = limit(test, n);
    // The images as training saw them: binarized once when the run used binary data, as eval does.
    test = prepareTestData(test, config.data, (args.flags.seed as number | undefined) ?? 0);
    const labels = test.labels;
    if (!labels) throw new UsageError(`${test.name} has no labels`);
    const progress = new Progress({ label: 'classify', total: test.count });
    const predictions = predictLabels(model, test, { onProgress: (d) => progress.update(d) });
    progress.finish();
    const error = errorRate(labels, predictions);
    const counts = confusionMatrix(labels, predictions, model.numClasses);
    log(`test error of q(y|x): ${(100 * error).toFixed(2)}% (${Math.round(error * test.count)} of ${test.count} images)`);
    const out = outputPath(args, opened.path, 'confusion.svg');
    writeFileAtomic(out, confusionSvg(counts, model.numClasses, `${model.kind}: test error ${(100 * error).toFixed(2)}% on ${test.count} images`));
    log(out);
    // Beside the checkpoint, where the report looks (runs/zoo/<name>/ for a zoo model).
    const figures = join(runOutputDir(opened.path), CLASSIFY_FILE);
    ensureDir(dirname(figures));
    saveJson(figures, { checkpoint: opened.path, epoch: opened.run.state.epoch, images: test.count, error, confusion: Array.from(counts) });
    log(`figures written to ${figures}`);
    return 0;
  });
}
