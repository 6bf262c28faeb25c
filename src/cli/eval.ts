import { dirname, join } from 'node:path';
import { prepareTestData } from '../data/prepare.js';
import { limit } from '../data/transforms.js';
import { scoringImagesPerPass } from '../config/size.js';
import { evaluateLoss } from '../eval/elbo.js';
import { bitsPerDim, pixelScoring } from '../eval/bitsPerDim.js';
import { DecoderKind } from '../models/likelihood.js';
import { estimateLogLikelihood } from '../eval/loglik.js';
import { disposeRun, runFromCheckpoint } from '../io/run.js';
import { isCodeModel, isLatentVariableModel } from '../models/types.js';
import { reconstructionError } from '../eval/reconstruction.js';
import { isPriorMatchedModel, priorMatch } from '../eval/priorMatch.js';
import { createModel } from '../models/create.js';
import { BackendChoice, initBackend } from '../node/backend.js';
import { EngineChoice, kernelsFor } from '../node/native.js';
import { loadDataset } from '../node/datasets.js';
import { Progress } from '../node/progress.js';
import { loadCheckpoint, resolveCheckpointPath, RUN_FILES, saveJson } from '../node/runFiles.js';
import { checkNativeScoring, engineText, nats, termsText } from './common.js';
import { ParsedCommand, UsageError } from './flags.js';

export async function evalCommand(args: ParsedCommand, log: (s: string) => void): Promise<number> {
  const seed = (args.flags.seed as number | undefined) ?? 0;
  const path = resolveCheckpointPath(args.positionals[0]);
  const backend = await initBackend((args.flags.backend as BackendChoice | undefined) ?? 'auto');
  const engine = (args.flags.engine as EngineChoice | undefined) ?? 'auto';
  const native = kernelsFor(engine);
  const checkpoint = loadCheckpoint(path);
  const run = runFromCheckpoint(checkpoint, path);
  try {
    const { config } = run;
    checkNativeScoring(engine, run.model, config.model);
    const dataDir = (args.flags['data-dir'] as string | undefined) ?? config.data.dataDir ?? undefined;
    const loaded = await loadDataset({ data: config.data.data, dataDir, imageSize: config.data.imageSize, channels: config.data.channels });
    const split = (args.flags.split as 'test' | 'train' | undefined) ?? 'test';
    let images = split === 'test' ? loaded.test : loaded.train;
    if (images.shape.join('x') !== run.inputShape.join('x')) {
      throw new UsageError(`${path} expects ${run.inputShape.join('x')} images, but ${loaded.source} has ${images.shape.join('x')}`);
    }
    const n = args.flags.limit as number | undefined;
    if (n) images = limit(images, n);
    images = prepareTestData(images, config.data, seed);
    const numSamples = (args.flags.samples as number | undefined) ?? 1;
    const elboBatch = scoringImagesPerPass(numSamples, images.shape, 500, `--samples ${numSamples}`);
    log(`checkpoint: ${path} (epoch ${run.state.epoch}), backend ${backend}`);
    log(`data: ${images.name}, ${images.count} images, binarize ${config.data.binarize === 'none' ? 'none' : `once, seed ${seed}`}`);

    const model = run.model;
    log(`engine: ${engineText(native.kernels && model.mlpVaePlan ? 'native' : 'portable', native, backend)}`);
    const result: Record<string, unknown> = { checkpoint: path, epoch: run.state.epoch, split, images: images.count, seed };
    const writeFigures = (): number => {
      const out = (args.flags.out as string | undefined) ?? join(dirname(path), RUN_FILES.eval);
      saveJson(out, result);
      log(`figures written to ${out}`);
      return 0;
    };
    if (!isLatentVariableModel(model) && args.flags.k) throw new UsageError(`--k: a ${model.kind} model is deterministic: it has no likelihood to estimate; drop --k`);
    if (isCodeModel(model)) {
      const reconProgress = new Progress({ label: 'reconstruction', total: images.count });
      const recon = reconstructionError(model, images, { onProgress: (d) => reconProgress.update(d) });
      reconProgress.finish();
      log(`test reconstruction error per image: squared error ${nats(recon.squaredError)}, cross-entropy ${nats(recon.crossEntropy)} nats`);
      result.reconstruction = recon;
    }
    // A fitted model (PCA) recorded the share of the training variance it keeps.
    const explained = run.state.history.at(-1)?.train.explainedVariance;
    if (explained !== undefined) {
      log(`explained variance of the training set: ${(100 * explained).toFixed(1)}%`);
      result.explainedVariance = explained;
    }
    if (isPriorMatchedModel(model)) {
      // The same architecture freshly initialized from the run's seed: what the encoder's codes were before training.
      const untrained = createModel(config.model, run.inputShape.reduce((a, b) => a * b, 1), config.train.seed, run.inputShape);
      try {
        const trained = priorMatch(model, images, { seed });
        const before = isPriorMatchedModel(untrained) ? priorMatch(untrained, images, { seed }) : null;
        log(`codes vs prior: MMD^2 ${trained.mmd2.toFixed(4)} between ${trained.count} test codes and ${trained.count} prior draws (Gaussian kernel, width ${trained.sigma.toFixed(2)}; Gretton et al. 2012); untrained encoder, same seed: ${before?.mmd2.toFixed(4)}`);
        result.priorMatch = { mmd2: trained.mmd2, untrainedMmd2: before?.mmd2, sigma: trained.sigma, count: trained.count };
      } finally {
        untrained.dispose();
      }
    }
    if (!isLatentVariableModel(model)) return writeFigures();

    // Bits/dim for grey-level data: continuous densities are scored on uniformly dequantized images (src/eval/bitsPerDim.ts).
    const decoder = (config.model as { decoder?: DecoderKind }).decoder;
    const { kind: bpdKind, dequantize, binWidth } = pixelScoring(config.model, config.data.binarize, seed);
    const dims = images.shape[0] * images.shape[1] * images.shape[2];
    const onData = dequantize ? ' on dequantized images x = b/255 + U(-1/510, 1/510)' : '';

    const elboProgress = new Progress({ label: 'ELBO', total: images.count });
    const terms = evaluateLoss(model, images, { batchSize: elboBatch, numSamples, seed, kernels: native.kernels, dequantize, onProgress: (d) => elboProgress.update(d) });
    elboProgress.finish();
    log(`test -ELBO ${nats(terms.total)} nats (${termsText(terms)})${onData}`);
    Object.assign(result, { negElbo: terms.total, terms });
    const bpd: Record<string, unknown> = { dequantized: dequantize !== undefined, binWidth, negElbo: bitsPerDim(terms.total, dims, binWidth) };

    const k = (args.flags.k as number | undefined) ?? 5000;
    if (k > 0) {
      const llProgress = new Progress({ label: `-log p(x), k=${k}`, total: images.count });
      const ll = await estimateLogLikelihood(model, images, { k, seed, kernels: native.kernels, dequantize, onProgress: (d) => llProgress.update(d) });
      llProgress.finish();
      log(`test -log p(x) ~= ${nats(-ll.mean)} nats (importance sampling, k=${k})${onData}`);
      Object.assign(result, { k, negLogLikelihood: -ll.mean });
      bpd.negLogLikelihood = bitsPerDim(-ll.mean, dims, binWidth);
    }
    if (bpdKind !== 'none') {
      const how = bpdKind === 'continuous' ? 'continuous density: + log 255 per dim for the bin width, Theis et al. 2016' : `${decoder}: a probability over the 256 levels, no correction`;
      const fromLl = bpd.negLogLikelihood === undefined ? '' : `${(bpd.negLogLikelihood as number).toFixed(3)} from -log p(x) (k=${k}), `;
      log(`test bits/dim: ${fromLl}${(bpd.negElbo as number).toFixed(3)} from the -ELBO (${how})`);
      result.bitsPerDim = bpd;
    }
    return writeFigures();
  } finally {
    disposeRun(run);
  }
}
