import { dirname, join } from 'node:path';
import { prepareTestData } from '../data/prepare.js';
import { limit } from '../data/transforms.js';
import { confusionMatrix, errorRate, predictLabels } from '../eval/classification.js';
import { isClassifier } from '../models/labelled.js';
import { writeFileAtomic } from '../node/files.js';
import { saveJson } from '../node/runFiles.js';
import { Progress } from '../node/progress.js';
import { confusionSvg } from '../views/confusion.js';
import { CommandSpec, parseCommand, UsageError } from './flags.js';
import { commonViewFlags, DATA_DIR_FLAG, loadTestImages, outputPath, withRun } from './viewCommon.js';

/** Where classify writes its figures, beside the checkpoint; the report reads them. */
export const CLASSIFY_FILE = 'classify.json';

export const CLASSIFY_SPEC: CommandSpec = {
  name: 'classify',
  summary: 'test error of the classifier q(y|x) of a label-aware model (m2, m1m2), and its confusion matrix',
  usage: 'vaekit classify <checkpoint file or run directory> [options]',
  positionals: ['checkpoint'],
  flags: [
    { flag: 'limit', help: 'score only the first N test images (0: all)', type: { type: 'int', min: 0 }, defaultText: '0' },
    { flag: 'seed', help: 'seed of the test-set binarization, when the run trained on binary data', type: { type: 'int', min: 0 }, defaultText: '0' },
    DATA_DIR_FLAG,
    ...commonViewFlags('confusion.svg'),
  ],
  examples: ['vaekit classify runs/ssl/m2-100/seed-0', 'vaekit classify runs/ssl/m1m2-100/seed-0/best.ckpt --out m1m2-confusion.svg'],
};

export async function classifyCommand(argv: string[], log: (s: string) => void): Promise<number> {
  const args = parseCommand(CLASSIFY_SPEC, argv);
  if (args.help) return -1;
  return withRun(args, async (opened) => {
    const { model, config } = opened.run;
    if (!isClassifier(model)) throw new UsageError(`classify: model kind ${model.kind} has no classifier q(y|x) (try m2 or m1m2)`);
    let test = await loadTestImages(args, opened);
    const n = args.flags.limit as number | undefined;
    if (n) test = limit(test, n);
    // The images as training saw them: binarized once when the run used binary data, as eval does.
    test = prepareTestData(test, config.data, (args.flags.seed as number | undefined) ?? 0);
    const labels = test.labels;
    if (!labels) throw new UsageError(`classify: ${test.name} has no labels`);
    const progress = new Progress({ label: 'classify', total: test.count });
    const predictions = predictLabels(model, test, { onProgress: (d) => progress.update(d) });
    progress.finish();
    const error = errorRate(labels, predictions);
    const counts = confusionMatrix(labels, predictions, model.numClasses);
    log(`test error of q(y|x): ${(100 * error).toFixed(2)}% (${Math.round(error * test.count)} of ${test.count} images)`);
    const out = outputPath(args, opened.path, 'confusion.svg');
    writeFileAtomic(out, confusionSvg(counts, model.numClasses, `${model.kind}: test error ${(100 * error).toFixed(2)}% on ${test.count} images`));
    log(out);
    const figures = join(dirname(opened.path), CLASSIFY_FILE);
    saveJson(figures, { checkpoint: opened.path, epoch: opened.run.state.epoch, images: test.count, error, confusion: Array.from(counts) });
    log(`figures written to ${figures}`);
    return 0;
  });
}
