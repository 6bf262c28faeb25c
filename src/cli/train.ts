import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigLayer, resolveRunConfig, resumeConflict, RunConfig } from '../config/run.js';
import { prepareTrainingData } from '../data/prepare.js';
import { createRun, disposeRun, readRunMeta, Run, runFromCheckpoint, runToCheckpoint } from '../io/run.js';
import { initBackend, BackendChoice } from '../node/backend.js';
import { EngineChoice, kernelsFor } from '../node/native.js';
import { DATASET_NAMES, loadDataset } from '../node/datasets.js';
import { Progress } from '../node/progress.js';
import { ensureDir } from '../node/files.js';
import { loadCheckpoint, resolveCheckpointPath, RUN_FILES, saveCheckpoint, saveJson } from '../node/runFiles.js';
import { epochsTrained, initialTrainState } from '../train/state.js';
import { modelKindSpec } from '../models/registry.js';
import { trainModel } from '../train/byKind.js';
import { DivergedError } from '../train/trainer.js';
import { checkNativeEngine, checkRunSize, engineText, nats, resumedDivergenceHint, termsText } from './common.js';
import { ParsedCommand, UsageError } from './flags.js';
import { viewCommandLines } from './nextSteps.js';

function defaultOutDir(config: RunConfig): string {
  const data = (DATASET_NAMES as readonly string[]).includes(config.data.data) ? config.data.data : 'custom';
  return join('runs', `${config.model.kind}-${data}-z${config.model.latentDim}`);
}

function readConfigFile(path: string): ConfigLayer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`--config: cannot read ${path}`);
  }
  try {
    return { source: path, values: JSON.parse(text) };
  } catch (e) {
    throw new UsageError(`--config: ${path} is not valid JSON (${(e as Error).message})`);
  }
}

/** Copies the shared parameters of another run's checkpoint into the new run's model; says what it took. */
function warmStart(run: Run, target: string): string {
  let path: string;
  try {
    path = resolveCheckpointPath(target);
  } catch (e) {
    throw new UsageError(`--init-from: ${(e as Error).message}`);
  }
  const source = runFromCheckpoint(loadCheckpoint(path), path);
  try {
    const { loaded, fresh } = run.model.params.loadShared(source.model.params.snapshot(), path);
    if (loaded.length === 0) throw new UsageError(`--init-from: ${path} (a ${source.config.model.kind}) shares no parameter with the new ${run.config.model.kind}`);
    return `init: ${loaded.length} parameters from ${path} (epoch ${source.state.epoch})${fresh.length > 0 ? `; initialized afresh: ${fresh.join(', ')}` : ''}`;
  } finally {
    disposeRun(source);
  }
}

/**
 * The config to go on with: the flags over the saved config. Only the epoch count, and the learning-rate schedule
 * of epochs not yet trained, may differ (resumeConflict): anything else would make the run something else.
 */
function resumedConfig(flags: ConfigLayer['values'], saved: RunConfig, trained: number): RunConfig {
  const asked = resolveRunConfig([{ source: 'the checkpoint', values: saved as unknown as ConfigLayer['values'] }, { source: 'flags', values: flags }]);
  const conflict = resumeConflict(saved, asked, trained);
  if (conflict !== null) throw new UsageError(`--resume: ${conflict} cannot change when resuming; only --epochs, and --lr-steps for epochs not yet trained, can`);
  return asked;
}

export async function trainCommand(args: ParsedCommand, log: (s: string) => void): Promise<number> {
  if (args.flags.model !== undefined) args.config.model.kind = args.flags.model;
  const flagLayer: ConfigLayer = { source: 'flags', values: args.config };
  const resume = args.flags.resume === true;
  if (resume && args.flags.config) throw new UsageError('--resume takes its config from the checkpoint; drop --config');
  if (resume && !args.flags.out) throw new UsageError('--resume needs --out <run directory>');
  if (resume && args.flags['init-from']) throw new UsageError('--init-from starts a new run; --resume continues one: drop one of them');
  const backend = await initBackend((args.flags.backend as BackendChoice | undefined) ?? 'auto');
  const engine = (args.flags.engine as EngineChoice | undefined) ?? 'auto';
  const native = kernelsFor(engine);

  let restored: Run | null = null;
  let config: RunConfig;
  let outDir: string;
  if (resume) {
    outDir = args.flags.out as string;
    const path = join(outDir, RUN_FILES.last);
    if (!existsSync(path)) throw new UsageError(`--resume: no checkpoint to resume at ${path}`);
    restored = runFromCheckpoint(loadCheckpoint(path), path);
    config = resumedConfig(args.config, restored.config, epochsTrained(restored.state));
    restored.config = config;
    if (restored.state.epoch >= config.train.epochs) {
      disposeRun(restored);
      throw new UsageError(`--resume: the run in ${outDir} already finished ${restored.state.epoch} epochs; pass a larger --epochs to go on`);
    }
  } else {
    config = resolveRunConfig(args.flags.config ? [readConfigFile(args.flags.config as string), flagLayer] : [flagLayer]);
    outDir = (args.flags.out as string | undefined) ?? defaultOutDir(config);
    if (existsSync(join(outDir, RUN_FILES.last)) && args.flags.force !== true) {
      throw new UsageError(`${outDir} already holds a run: pass --resume to continue it, --force to start afresh, or --out to use another directory`);
    }
  }

  log(`backend: ${backend}`);
  const loaded = await loadDataset({ data: config.data.data, dataDir: config.data.dataDir ?? undefined, imageSize: config.data.imageSize, channels: config.data.channels });
  const data = prepareTrainingData(loaded, config.data, config.train.seed);
  const shape = data.train.shape;
  if (restored && shape.join('x') !== restored.inputShape.join('x')) {
    disposeRun(restored);
    throw new Error(`the checkpoint in ${outDir} was trained on ${restored.inputShape.join('x')} images, but ${loaded.source} has ${shape.join('x')}`);
  }
  if (!restored) checkRunSize(config, shape);
  const run = restored ?? createRun(config, shape, initialTrainState());
  try {
    if (args.flags['init-from']) log(warmStart(run, args.flags['init-from'] as string));
    checkNativeEngine(engine, run.model, config.model);
  } catch (e) {
    disposeRun(run);
    throw e;
  }
  const objective = modelKindSpec(config.model.kind).objective;
  log(`data: ${loaded.source}: ${data.train.count} training, ${data.val?.count ?? 0} validation images of ${shape.join('x')}, binarize ${config.data.binarize}`);
  const settings = Object.entries(config.model).filter(([k]) => k !== 'kind').map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(',') || 'none' : v}`);
  log(`model: ${config.model.kind}, ${run.model.params.count().toLocaleString('en-US')} parameters, ${settings.join(', ')}`);
  ensureDir(outDir);
  saveJson(join(outDir, RUN_FILES.config), config);
  if (restored) log(`resuming ${outDir} at epoch ${run.state.epoch + 1}, batch ${run.state.batch}`);

  let stopRequests = 0;
  const onSigint = () => {
    stopRequests += 1;
    if (stopRequests === 1) process.stderr.write('\nstopping after this step and saving a checkpoint (Ctrl-C again to quit without saving)\n');
    else process.exit(130); // every file is written atomically: quitting now leaves the last checkpoint whole
  };
  process.on('SIGINT', onSigint);
  let progress = null as Progress | null;
  const saveLast = () => saveCheckpoint(join(outDir, RUN_FILES.last), runToCheckpoint(run));
  try {
    const status = await trainModel(run.model, run.optimizer, data, config, run.state, {
      onStep: (s) => {
        progress ??= new Progress({ label: `epoch ${s.epoch}/${config.train.epochs}`, total: s.total });
        progress.update(s.done, Object.fromEntries(Object.entries(s.running).map(([k, v]) => [k === 'total' ? 'loss' : k, v])));
      },
      onEpochEnd: (record, state) => {
        progress?.finish();
        progress = null;
        const isBest = state.best?.epoch === record.epoch;
        saveLast();
        if (isBest) saveCheckpoint(join(outDir, RUN_FILES.best), runToCheckpoint(run));
        saveJson(join(outDir, RUN_FILES.history), state.history);
        // Semi-supervised kinds validate on classification error alone: no objective to show there.
        const val = !record.val ? '' : record.val.total === undefined ? `  val ${termsText(record.val)}` : `  val ${objective} ${nats(record.val.total)} (${termsText(record.val)})`;
        log(`epoch ${record.epoch}/${config.train.epochs}  train loss ${nats(record.train.total)} (${termsText(record.train)})${val}  ${record.seconds.toFixed(1)} s${isBest ? '  [best]' : ''}`);
      },
      shouldStop: () => stopRequests > 0,
    }, {
      kernels: native.kernels,
      onEngine: (path) => log(`engine: ${engineText(path, native, backend)}`),
    });
    if (status === 'stopped') {
      progress?.finish();
      saveLast();
      log(`stopped at epoch ${run.state.epoch + 1}, batch ${run.state.batch}; checkpoint saved to ${join(outDir, RUN_FILES.last)}`);
      log(`resume with: vaekit train --resume --out ${outDir}`);
      return 130;
    }
  } catch (e) {
    progress?.finish();
    if (e instanceof DivergedError) {
      const last = join(outDir, RUN_FILES.last);
      const kept = existsSync(last) ? `the last good checkpoint is kept at ${last}` : 'no epoch finished, so there is no checkpoint';
      const hint = restored ? resumedDivergenceHint(readRunMeta(loadCheckpoint(last), last).state, config.train.lrSteps, outDir) : e.hint;
      process.stderr.write(`vaekit train: training stopped: ${e.detail} ${hint}\n${kept}\n`);
      return 1;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
    disposeRun(run);
  }
  const bestRecord = run.state.history.find((h) => h.epoch === run.state.best?.epoch);
  const bestText = bestRecord?.val && bestRecord.val.total === undefined ? `val ${termsText(bestRecord.val)}` : `${objective} ${nats(run.state.best?.total)}`;
  log(`done: ${outDir} (best epoch ${run.state.best?.epoch}, ${run.state.history.length ? bestText : ''})`);
  log(`next: vaekit eval ${outDir}`);
  for (const l of viewCommandLines(run.model, outDir)) log(`      ${l}`);
  return 0;
}
