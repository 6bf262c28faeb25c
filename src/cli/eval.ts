import { dirname, join } from 'node:path';
import { prepareTestData } from '../data/prepare.js';
import { limit } from '../data/transforms.js';
import { scoringImagesPerPass } from '../config/size.js';
import { evaluationLines } from '../eval/describe.js';
import { Evaluation, evaluationTasks, hasDensity, importanceSampledDensity } from '../eval/figures.js';
import { disposeRun, runFromCheckpoint } from '../io/run.js';
import { fusedLoad } from '../node/backend.js';
import { EngineChoice } from '../node/native.js';
import { labelClasses, loadDataset } from '../node/datasets.js';
import { Progress } from '../node/progress.js';
import { loadCheckpoint, resolveCheckpointPath, RUN_FILES, saveJson } from '../node/runFiles.js';
import { checkNativeScoring, engineText, startBackend } from './common.js';
import { ParsedCommand, UsageError } from './flags.js';

export async function evalCommand(args: ParsedCommand, log: (s: string) => void): Promise<number> {
  const seed = (args.flags.seed as number | undefined) ?? 0;
  const path = resolveCheckpointPath(args.positionals[0]);
  const engine = (args.flags.engine as EngineChoice | undefined) ?? 'auto';
  const backend = await startBackend(args.flags, engine);
  const native = fusedLoad();
  const checkpoint = loadCheckpoint(path);
  const run = runFromCheckpoint(checkpoint, path);
  try {
    const { config } = run;
    checkNativeScoring(engine, run.model, config.model);
    const dataDir = (args.flags['data-dir'] as string | undefined) ?? config.data.dataDir ?? undefined;
    const loaded = await loadDataset({ data: config.data.data, dataDir, imageSize: config.data.imageSize, channels: config.data.channels, classes: labelClasses(config) });
    const split = (args.flags.split as 'test' | 'train' | undefined) ?? 'test';
    const whole = split === 'test' ? loaded.test : loaded.train;
    let images = whole;
    if (images.shape.join('x') !== run.inputShape.join('x')) {
      throw new UsageError(`${path} expects ${run.inputShape.join('x')} images, but ${loaded.source} has ${images.shape.join('x')}`);
    }
    const n = args.flags.limit as number | undefined;
    if (n) images = limit(images, n);
    images = prepareTestData(images, config.data, seed);
    const numSamples = (args.flags.samples as number | undefined) ?? 1;
    const batchSize = scoringImagesPerPass(numSamples, images.shape, 500, `--samples ${numSamples}`);
    log(`checkpoint: ${path} (epoch ${run.state.epoch})`);
    const count = images.count < whole.count ? `the first ${images.count.toLocaleString('en-US')} of ${whole.count.toLocaleString('en-US')}` : images.count.toLocaleString('en-US');
    log(`data: ${whole.name}, ${count} images, ${config.data.binarize === 'none' ? 'grey levels' : `binarized once (seed ${seed})`}`);

    const model = run.model;
    log(`engine: ${engineText(native.kernels && model.mlpVaePlan ? 'native' : 'portable', native, backend)}`);
    if (args.flags.k && importanceSampledDensity(model) === null) {
      const why = hasDensity(model) ? 'has no importance-sampled estimate of its likelihood here: eval reports its bounds' : 'is deterministic: it has no likelihood to estimate';
      throw new UsageError(`--k: a ${model.kind} model ${why}; drop --k`);
    }
    const tasks = evaluationTasks(run, images, { k: (args.flags.k as number | undefined) ?? 5000, numSamples, batchSize, seed });
    const figures: Evaluation = { images: images.count };
    for (const task of tasks) {
      let progress: Progress | undefined;
      await task.run(figures, (done) => (progress ??= new Progress({ label: task.name, total: images.count })).update(done));
      (progress as Progress | undefined)?.finish();
    }
    for (const l of evaluationLines(figures)) log(l.line);
    if (tasks.length === 0) log(`a ${model.kind} model has no test figure that applies to ${images.name}`);
    const out = (args.flags.out as string | undefined) ?? join(dirname(path), RUN_FILES.eval);
    saveJson(out, { checkpoint: path, epoch: run.state.epoch, split, seed, ...figures });
    log(`figures written to ${out}`);
    return 0;
  } finally {
    disposeRun(run);
  }
}
