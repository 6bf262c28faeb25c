import { dirname, join } from 'node:path';
import { prepareTestData } from '../data/prepare.js';
import { limit } from '../data/transforms.js';
import { evaluateLoss } from '../eval/elbo.js';
import { estimateLogLikelihood } from '../eval/loglik.js';
import { disposeRun, runFromCheckpoint } from '../io/run.js';
import { isLatentVariableModel } from '../models/types.js';
import { BackendChoice, initBackend } from '../node/backend.js';
import { loadDataset } from '../node/datasets.js';
import { Progress } from '../node/progress.js';
import { loadCheckpoint, resolveCheckpointPath, RUN_FILES, saveJson } from '../node/runFiles.js';
import { BACKEND_FLAG, nats, termsText } from './common.js';
import { CommandSpec, parseCommand, UsageError } from './flags.js';

export const EVAL_SPEC: CommandSpec = {
  name: 'eval',
  summary: 'test negative ELBO and the importance-sampled estimate of -log p(x) of a checkpoint',
  usage: 'vaekit eval <checkpoint file or run directory> [options]',
  positionals: ['checkpoint'],
  flags: [
    { flag: 'k', help: 'importance samples per image for -log p(x) (0: skip the estimate)', type: { type: 'int', min: 0 }, defaultText: '5000' },
    { flag: 'split', help: 'which images to score', type: { type: 'enum', choices: ['test', 'train'] }, defaultText: 'test' },
    { flag: 'limit', help: 'score only the first N images (0: all)', type: { type: 'int', min: 0 }, defaultText: '0' },
    { flag: 'samples', help: 'Monte Carlo samples of z per image for the ELBO', type: { type: 'int', min: 1 }, defaultText: '1' },
    { flag: 'seed', help: 'seed of the test-set binarization and of the samples', type: { type: 'int', min: 0 }, defaultText: '0' },
    { flag: 'data-dir', help: 'read the data set from here instead of the place the run used', type: { type: 'string' } },
    { flag: 'out', help: 'where to write the figures as JSON', type: { type: 'string' }, defaultText: 'eval.json beside the checkpoint' },
    BACKEND_FLAG,
  ],
  examples: ['vaekit eval runs/vae-mnist-z20', 'vaekit eval runs/vae-mnist-z20/last.ckpt --k 0', 'vaekit eval runs/vae-mnist-z20 --k 1000 --limit 1000'],
};

export async function evalCommand(argv: string[], log: (s: string) => void): Promise<number> {
  const args = parseCommand(EVAL_SPEC, argv);
  if (args.help) return -1;
  const k = (args.flags.k as number | undefined) ?? 5000;
  const seed = (args.flags.seed as number | undefined) ?? 0;
  const path = resolveCheckpointPath(args.positionals[0]);
  const backend = await initBackend((args.flags.backend as BackendChoice | undefined) ?? 'auto');
  const checkpoint = loadCheckpoint(path);
  const run = runFromCheckpoint(checkpoint, path);
  try {
    const { config } = run;
    const dataDir = (args.flags['data-dir'] as string | undefined) ?? config.data.dataDir ?? undefined;
    const loaded = await loadDataset({ data: config.data.data, dataDir });
    const split = (args.flags.split as 'test' | 'train' | undefined) ?? 'test';
    let images = split === 'test' ? loaded.test : loaded.train;
    if (images.shape.join('x') !== run.inputShape.join('x')) {
      throw new UsageError(`${path} expects ${run.inputShape.join('x')} images, but ${loaded.source} has ${images.shape.join('x')}`);
    }
    const n = args.flags.limit as number | undefined;
    if (n) images = limit(images, n);
    images = prepareTestData(images, config.data, seed);
    log(`checkpoint: ${path} (epoch ${run.state.epoch}), backend ${backend}`);
    log(`data: ${images.name}, ${images.count} images, binarize ${config.data.binarize === 'none' ? 'none' : `once, seed ${seed}`}`);

    const numSamples = (args.flags.samples as number | undefined) ?? 1;
    const elboProgress = new Progress({ label: 'ELBO', total: images.count });
    const terms = evaluateLoss(run.model, images, { numSamples, seed, onProgress: (d) => elboProgress.update(d) });
    elboProgress.finish();
    log(`test -ELBO ${nats(terms.total)} nats (${termsText(terms)})`);
    const result: Record<string, unknown> = { checkpoint: path, epoch: run.state.epoch, split, images: images.count, seed, negElbo: terms.total, terms };

    if (k > 0) {
      if (!isLatentVariableModel(run.model)) throw new UsageError(`--k: a ${run.model.kind} model has no importance-sampled likelihood; pass --k 0`);
      const llProgress = new Progress({ label: `-log p(x), k=${k}`, total: images.count });
      const ll = await estimateLogLikelihood(run.model, images, { k, seed, onProgress: (d) => llProgress.update(d) });
      llProgress.finish();
      log(`test -log p(x) ~= ${nats(-ll.mean)} nats (importance sampling, k=${k})`);
      Object.assign(result, { k, negLogLikelihood: -ll.mean });
    }
    const out = (args.flags.out as string | undefined) ?? join(dirname(path), RUN_FILES.eval);
    saveJson(out, result);
    log(`figures written to ${out}`);
    return 0;
  } finally {
    disposeRun(run);
  }
}
