/**
 * Evaluating a run on its data set's test (or training) images: the figures that apply to its model
 * (src/eval/figures.ts), on the engine started for it. What `vaekit eval` computes and the library's `evaluate`.
 */
import { scoringImagesPerPass } from '../config/size.js';
import { Dataset } from '../data/dataset.js';
import { prepareTestData } from '../data/prepare.js';
import { limit as firstImages } from '../data/transforms.js';
import { EvaluatedRun, Evaluation, evaluationTasks, hasDensity, importanceSampledDensity } from '../eval/figures.js';
import { RunOptionError } from '../io/runOptionError.js';
import { labelClasses, loadSplit } from './datasets.js';
import { Engine, startEngine } from './engine.js';

/** What an evaluation reports as it goes. */
export type EvaluateProgress =
  /** The images read: `images` of the `whole` split `name` (prepared as training saw them: `scored`), and the path the scoring takes. */
  | { type: 'ready'; split: 'test' | 'train'; name: string; scored: string; images: number; whole: number; path: 'native' | 'portable' }
  /** A measurement under way: `done` of `total` images. */
  | { type: 'task'; name: string; done: number; total: number }
  /** A measurement finished. */
  | { type: 'task-end'; name: string };

/** How to evaluate a run. */
export interface EvaluateOptions {
  /**
   * Importance samples per image for -log p(x) (or -log p(x|y)); 0 skips the estimate. Default 5000 where the
   * model has such a density; given for a model without one, it is refused.
   */
  k?: number;
  /** Monte Carlo samples of z per image for the bounds. Default 1. */
  numSamples?: number;
  /** Seed of every draw (binarization of the test set, eps, dequantization). Default 0. */
  seed?: number;
  /** Which split to score. Default 'test'. */
  split?: 'test' | 'train';
  /** Score only the first `limit` images (0 or absent: all). */
  limit?: number;
  /** Where the data set's files are, if not where the run read them. */
  dataDir?: string;
  /** The engine to compute on. Default: the fastest available. */
  engine?: Engine;
  onProgress?(event: EvaluateProgress): void;
  /** How messages name `k` and `numSamples`. Default 'k' and 'numSamples'. */
  names?: { k: string; samples: string };
  /** Names the run in messages (its checkpoint's path). Default 'the run'. */
  source?: string;
}

/** The split a run is scored on, read and prepared as its training data were (binarized once with `seed`). */
export async function evaluationData(run: EvaluatedRun, opts: Pick<EvaluateOptions, 'split' | 'limit' | 'dataDir' | 'seed' | 'source'> = {}): Promise<{ images: Dataset; whole: Dataset }> {
  const { config } = run;
  const dataDir = opts.dataDir ?? config.data.dataDir ?? undefined;
  const spec = { data: config.data.data, dataDir, imageSize: config.data.imageSize, channels: config.data.channels, classes: labelClasses(config) };
  const { data: whole, source } = await loadSplit(spec, opts.split ?? 'test');
  if (whole.shape.join('x') !== run.inputShape.join('x')) {
    throw new RunOptionError(`${opts.source ?? 'the run'} expects ${run.inputShape.join('x')} images, but ${source} has ${whole.shape.join('x')}`);
  }
  const images = opts.limit ? firstImages(whole, opts.limit) : whole;
  return { images: prepareTestData(images, config.data, opts.seed ?? 0), whole };
}

/** Every figure that applies to the run's model, on its data set's test images. Changes nothing in the model. */
export async function evaluate(run: EvaluatedRun, opts: EvaluateOptions = {}): Promise<Evaluation> {
  const names = opts.names ?? { k: 'k', samples: 'numSamples' };
  const engine = opts.engine ?? (await startEngine());
  const seed = opts.seed ?? 0;
  const split = opts.split ?? 'test';
  const { images, whole } = await evaluationData(run, { ...opts, seed });
  const numSamples = opts.numSamples ?? 1;
  const batchSize = scoringImagesPerPass(numSamples, images.shape, 500, `${names.samples} ${numSamples}`);
  const { model } = run;
  const path = engine.native.kernels && model.mlpVaePlan ? 'native' : 'portable';
  opts.onProgress?.({ type: 'ready', split, name: whole.name, scored: images.name, images: images.count, whole: whole.count, path });
  if (opts.k && importanceSampledDensity(model) === null) {
    const why = hasDensity(model) ? 'has no importance-sampled estimate of its likelihood here: eval reports its bounds' : 'is deterministic: it has no likelihood to estimate';
    throw new RunOptionError(`${names.k}: a ${model.kind} model ${why}; drop ${names.k}`);
  }
  const tasks = evaluationTasks(run, images, { k: opts.k ?? 5000, numSamples, batchSize, seed });
  const figures: Evaluation = { images: images.count };
  for (const task of tasks) {
    await task.run(figures, (done) => opts.onProgress?.({ type: 'task', name: task.name, done, total: images.count }));
    opts.onProgress?.({ type: 'task-end', name: task.name });
  }
  return figures;
}
