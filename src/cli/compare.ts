import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigLayer, resolveRunConfig, RunConfig, TRAIN_DEFAULTS, unusedDataSettings, unusedTrainSettings } from '../config/run.js';
import { prepareTestData } from '../data/prepare.js';
import { inOrder, limit } from '../data/transforms.js';
import { pixelScoring } from '../eval/bitsPerDim.js';
import { evaluateLoss } from '../eval/elbo.js';
import { ReconstructionError, reconstructionError } from '../eval/reconstruction.js';
import { disposeRun, readRunMeta, runFromCheckpoint } from '../io/run.js';
import { isModelKind, MODEL_KINDS, modelKindSpec, usesTrainSetting } from '../models/registry.js';
import { isCodeModel, isLatentVariableModel } from '../models/types.js';
import { BackendChoice, initBackend } from '../node/backend.js';
import { loadDataset, withAbsoluteDataPaths } from '../node/datasets.js';
import { startEngine } from '../node/engine.js';
import { ensureDir, writeFileAtomic } from '../node/files.js';
import { writePng } from '../node/png.js';
import { Progress } from '../node/progress.js';
import { loadCheckpoint, resolveCheckpointPath, RUN_FILES, runOutputsIn, saveJson } from '../node/runFiles.js';
import { comparisonMarkdown, ComparisonRow, DENOISING_PROBE } from '../eval/comparison.js';
import { decodeToImages, encodeImages, datasetImages } from '../views/decode.js';
import { embeddingSvg } from '../views/embedding.js';
import { imageGrid } from '../views/grid.js';
import { flagKeyName, refuseUnused } from './common.js';
import { ParsedCommand, UsageError } from './flags.js';
import { trainSession } from './train.js';

/** The resolved config of a new compare run of `kind`: the train and data settings given, those the kind uses (a fit takes no rate). */
function runConfig(config: ParsedCommand['config'], kind: string, latentDim: number): RunConfig {
  const unused = new Set(unusedTrainSettings(kind, { train: config.train }).map((u) => u.key));
  const train = Object.fromEntries(Object.entries(config.train).filter(([key]) => !unused.has(key)));
  return withAbsoluteDataPaths(resolveRunConfig([{ source: 'flags', values: { model: { kind, latentDim }, train, data: config.data } }]));
}

/** Epochs finished by the run in `dir` (0 when there is none). */
function finishedEpochs(dir: string): number {
  const path = join(dir, RUN_FILES.last);
  return existsSync(path) ? readRunMeta(loadCheckpoint(path), path).state.epoch : 0;
}

export async function compareCommand(args: ParsedCommand, log: (s: string) => void): Promise<number> {
  const kinds = ((args.flags.models as string | undefined) ?? 'pca,ae,dae,cae,vae').split(',').map((s) => s.trim());
  for (const k of kinds) if (!isModelKind(k)) throw new UsageError(`--models: unknown model kind "${k}" (known: ${Object.keys(MODEL_KINDS).join(', ')})`);
  const latents = (args.flags.latent as number[] | undefined) ?? [2, 5, 20];
  const outDir = (args.flags.out as string | undefined) ?? join('runs', 'compare');
  const epochs = (args.config.train.epochs as number | undefined) ?? TRAIN_DEFAULTS.epochs;
  const digits = (args.flags.digits as number | undefined) ?? 10;
  const backendChoice = (args.flags.backend as BackendChoice | undefined) ?? 'auto';
  // A kind without epochs (a fit) is finished after its own single pass.
  const epochsOf = (kind: string) => (usesTrainSetting(modelKindSpec(kind), 'epochs') ? epochs : resolveRunConfig([{ source: 'compare', values: { model: { kind } } }]).train.epochs);

  const engine = await startEngine({ backend: backendChoice });
  const newRun = (out: string, config: RunConfig) => ({ out, config, force: runOutputsIn(out).length > 0, engine, keyName: flagKeyName(config) });

  const runs = kinds.flatMap((kind) => latents.map((latent) => ({ kind, latent, dir: join(outDir, `${kind}-z${latent}`) })));
  try {
    ensureDir(outDir);
  } catch (e) {
    throw new UsageError(`--out: ${(e as Error).message}`);
  }
  for (const [i, r] of runs.entries()) {
    const done = finishedEpochs(r.dir);
    const label = `[${i + 1}/${runs.length}] ${r.kind}, latent ${r.latent}`;
    if (done >= epochsOf(r.kind)) {
      log(`${label}: finished run in ${r.dir}, reused`);
      continue;
    }
    // A run stopped before its first checkpoint left nothing to go on from: it starts afresh.
    const resumable = existsSync(join(r.dir, RUN_FILES.last));
    log(`${label}: ${resumable ? `resuming ${r.dir} at epoch ${done + 1}` : `training into ${r.dir}`}`);
    const dataLayer: ConfigLayer[] = [{ source: 'flags', values: { data: args.config.data } }];
    const session = resumable ? { out: r.dir, resume: true, changes: { train: { epochs } }, engine } : newRun(r.dir, runConfig(args.config, r.kind, r.latent));
    const code = await trainSession({ ...session, checks: { data: (loaded, config) => refuseUnused(dataLayer, (v) => unusedDataSettings(loaded, v), `--data ${config.data.data}`) } }, log);
    if (code !== 0) {
      process.stderr.write(`vaekit compare: training ${r.kind} with latent ${r.latent} ended with exit code ${code}; finished runs are kept, re-run to go on\n`);
      return code;
    }
  }

  // Scored on tfjs alone, whichever engine trained the runs, so a re-run that reuses them scores the same.
  await initBackend(backendChoice, { engine: 'portable' });
  const first = readRunMeta(loadCheckpoint(join(runs[0].dir, RUN_FILES.last)), runs[0].dir).config;
  const loaded = await loadDataset({ data: first.data.data, dataDir: first.data.dataDir ?? undefined, imageSize: first.data.imageSize, channels: first.data.channels });
  const testLimit = (args.flags['test-limit'] as number | undefined) ?? 0;
  const greyTest = testLimit > 0 ? limit(loaded.test, testLimit) : loaded.test;
  const shown = inOrder(Math.min(digits, greyTest.count));
  const pictureRows = [datasetImages(greyTest, shown)];
  const rows: ComparisonRow[] = [];
  for (const r of runs) {
    const path = resolveCheckpointPath(r.dir);
    const run = runFromCheckpoint(loadCheckpoint(path), path);
    try {
      const model = run.model;
      if (!isCodeModel(model)) throw new Error(`${path}: a ${model.kind} model has no code to compare`);
      // Scored as `vaekit eval` scores: the test set binarized once (seed 0) when the run trained on binary data.
      const test = prepareTestData(greyTest, run.config.data, 0);
      const progress = new Progress({ label: `scoring ${r.kind} z=${r.latent}`, total: 2 * test.count });
      const clean = reconstructionError(model, test, { onProgress: (d) => progress.update(d) });
      const corrupted: ReconstructionError = reconstructionError(model, test, { corruption: { ...DENOISING_PROBE, seed: 0 }, onProgress: (d) => progress.update(test.count + d) });
      progress.finish();
      // A continuous density's -ELBO on dequantized images, as `vaekit eval` scores it.
      const { dequantize } = pixelScoring(run.config.model, run.config.data.binarize, 0);
      const negElbo = isLatentVariableModel(model) ? evaluateLoss(model, test, { dequantize }).total : undefined;
      const explained = run.state.history.at(-1)?.train.explainedVariance;
      rows.push({ kind: r.kind, latentDim: r.latent, epochs: run.state.epoch, run: r.dir, clean, corrupted, negElbo, explainedVariance: explained });
      log(`${r.kind} z=${r.latent}: squared error ${clean.squaredError.toFixed(2)}, cross-entropy ${clean.crossEntropy.toFixed(2)}${negElbo === undefined ? '' : `, -ELBO ${negElbo.toFixed(2)}`}`);
      const codes = encodeImages(model, greyTest, shown);
      pictureRows.push(decodeToImages(model, codes, greyTest.shape));
      if (r.latent === 2) {
        const svg = embeddingSvg(model, greyTest, inOrder(greyTest.count), { title: `${r.kind}, 2-D code of ${greyTest.count} test images` });
        writeFileAtomic(join(outDir, `${r.kind}-z2-embedding.svg`), svg);
      }
    } finally {
      disposeRun(run);
    }
  }
  const picture = join(outDir, 'reconstructions.png');
  writePng(picture, imageGrid(pictureRows.flat(), { columns: shown.length, scale: 1 }));
  const meta = { command: `vaekit compare ${args.argv.join(' ')}`, test: greyTest.count, testBinarized: first.data.binarize !== 'none', denoisingProbe: DENOISING_PROBE };
  saveJson(join(outDir, 'compare.json'), { ...meta, rows });
  writeFileAtomic(join(outDir, 'compare.md'), comparisonMarkdown(rows, { ...meta, picture: 'reconstructions.png' }));
  log(`table: ${join(outDir, 'compare.md')} and compare.json; picture: ${picture}`);
  return 0;
}
