import { dirname, join } from 'node:path';
import { prepareTestData } from '../data/prepare.js';
import { limit } from '../data/transforms.js';
import { evaluationLines } from '../eval/describe.js';
import { Evaluation, evaluationTasks, hasDensity, importanceSampledDensity } from '../eval/figures.js';
import { disposeRun, runFromCheckpoint } from '../io/run.js';
import { EngineChoice, kernelsFor } from '../node/native.js';
import { labelClasses, loadDataset } from '../node/datasets.js';
import { Progress } from '../node/progress.js';
import { loadCheckpoint, resolveCheckpointPath, RUN_FILES, saveJson } from '../node/runFiles.js';
import { BACKEND_FLAG, THREADS_FLAG, startBackend, checkNativeScoring, ENGINE_FLAG, engineText } from './common.js';
import { CommandSpec, parseCommand, UsageError } from './flags.js';

export const EVAL_SPEC: CommandSpec = {
  name: 'eval',
  summary: 'every test figure that applies to a checkpoint: reconstruction error; for a VAE the negative ELBO and -log p(x) (and bits/dim on grey-level data with a Gaussian or discretized-logistic decoder); for a CVAE the same given the label; for M2 and M1+M2 the bounds -L(x,y) and -U(x) and the classifier\'s error; for an AAE the MMD of codes to the prior',
  usage: 'vaekit eval <checkpoint file or run directory> [options]',
  positionals: ['checkpoint'],
  flags: [
    { flag: 'k', help: 'importance samples per image for -log p(x) of a VAE, -log p(x|y) of a CVAE (0: skip the estimate)', type: { type: 'int', min: 0 }, defaultText: '5000' },
    { flag: 'split', help: 'which images to score', type: { type: 'enum', choices: ['test', 'train'] }, defaultText: 'test' },
    { flag: 'limit', help: 'score only the first N images (0: all)', type: { type: 'int', min: 0 }, defaultText: '0' },
    { flag: 'samples', help: 'Monte Carlo samples of z per image for the ELBO and the bounds', type: { type: 'int', min: 1 }, defaultText: '1' },
    { flag: 'seed', help: 'seed of the test-set binarization and of the samples', type: { type: 'int', min: 0 }, defaultText: '0' },
    { flag: 'data-dir', help: 'read the data set from here instead of the place the run used', type: { type: 'string' } },
    { flag: 'out', help: 'where to write the figures as JSON', type: { type: 'string' }, defaultText: 'eval.json beside the checkpoint' },
    BACKEND_FLAG,
    THREADS_FLAG,
    ENGINE_FLAG,
  ],
  examples: ['vaekit eval runs/vae-mnist-z20', 'vaekit eval runs/vae-mnist-z20/last.ckpt --k 0', 'vaekit eval runs/vae-mnist-z20 --k 1000 --limit 1000'],
};

export async function evalCommand(argv: string[], log: (s: string) => void): Promise<number> {
  const args = parseCommand(EVAL_SPEC, argv);
  if (args.help) return -1;
  const seed = (args.flags.seed as number | undefined) ?? 0;
  const path = resolveCheckpointPath(args.positionals[0]);
  const backend = await startBackend(args.flags);
  const engine = (args.flags.engine as EngineChoice | undefined) ?? 'auto';
  const native = kernelsFor(engine);
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
    log(`checkpoint: ${path} (epoch ${run.state.epoch})`);
    const count = images.count < whole.count ? `the first ${images.count.toLocaleString('en-US')} of ${whole.count.toLocaleString('en-US')}` : images.count.toLocaleString('en-US');
    log(`data: ${whole.name}, ${count} images, ${config.data.binarize === 'none' ? 'grey levels' : `binarized once (seed ${seed})`}`);

    const model = run.model;
    log(`engine: ${engineText(native.kernels && model.mlpVaePlan ? 'native' : 'portable', native, backend)}`);
    if (args.flags.k && importanceSampledDensity(model) === null) {
      const why = hasDensity(model) ? 'has no importance-sampled estimate of its likelihood here: eval reports its bounds' : 'is deterministic: it has no likelihood to estimate';
      throw new UsageError(`--k: a ${model.kind} model ${why}; drop --k`);
    }
    const tasks = evaluationTasks(run, images, { k: (args.flags.k as number | undefined) ?? 5000, numSamples: (args.flags.samples as number | undefined) ?? 1, seed, kernels: native.kernels });
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
