import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigLayer, dataConfigFor, resolveRunConfig, resumeConflict, RunConfig, unusedDataSettings, unusedTrainSettings } from '../config/run.js';
import { parseConfigText } from '../config/text.js';
import { prepareTrainingData } from '../data/prepare.js';
import { createRun, disposeRun, readRunMeta, Run, runFromCheckpoint, runToCheckpoint } from '../io/run.js';
import { fusedLoad } from '../node/backend.js';
import { EngineChoice, NativeLoad } from '../node/native.js';
import { DATASET_NAMES, labelClasses, loadDataset, withAbsoluteDataPaths } from '../node/datasets.js';
import { Progress } from '../node/progress.js';
import { NotAFileError, readRegularFileSync } from '../node/files.js';
import { loadCheckpoint, removeRunOutputs, resolveCheckpointPath, RUN_FILES, runOutputsIn, saveCheckpoint, saveJson } from '../node/runFiles.js';
import { TrainEvents } from '../train/events.js';
import { epochsTrained, initialTrainState } from '../train/state.js';
import { modelKindSpec, usesTrainSetting } from '../models/registry.js';
import { DivergedError } from '../train/loop.js';
import { trainModel } from '../train/train.js';
import { checkNativeEngine, checkRunSize, engineText, modelSettingsText, nats, refuseUnused, resumedDivergenceHint, startBackend, termsText } from './common.js';
import { ParsedCommand, UsageError } from './flags.js';
import { viewCommandLines } from './nextSteps.js';
import { openRunDirectory } from './runDirectory.js';

function defaultOutDir(config: RunConfig): string {
  const data = (DATASET_NAMES as readonly string[]).includes(config.data.data) ? config.data.data : 'custom';
  return join('runs', `${config.model.kind}-${data}-z${config.model.latentDim}`);
}

function readConfigFile(path: string): ConfigLayer {
  let text: string;
  try {
    text = readRegularFileSync(path).toString('utf8');
  } catch (e) {
    throw new UsageError(`--config: cannot read ${path}${e instanceof NotAFileError ? `: expected a regular file, found ${e.kind}` : ''}`);
  }
  try {
    return { source: path, values: parseConfigText(text) as ConfigLayer['values'] };
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
 * Refuses a last.ckpt that is not the run's own (another kind, or another config than the directory's
 * config.json allows going on with) before anything is written. A directory without config.json has nothing
 * to check against.
 */
function checkOwnCheckpoint(outDir: string, path: string, restored: Run): void {
  const configPath = join(outDir, RUN_FILES.config);
  if (!existsSync(configPath)) return;
  let values: ConfigLayer['values'];
  try {
    values = parseConfigText(readRegularFileSync(configPath).toString('utf8')) as ConfigLayer['values'];
  } catch (e) {
    throw new UsageError(`--resume: ${configPath} is not valid JSON (${(e as Error).message}); it should hold the run's resolved config`);
  }
  const saved = resolveRunConfig([{ source: configPath, values }]);
  const kind = restored.config.model.kind;
  if (saved.model.kind !== kind) {
    throw new UsageError(`--resume: ${path} holds a ${kind} run, but ${configPath} is a ${saved.model.kind} run: the checkpoint is not this run's`);
  }
  // The reader's settings are left out: older runs saved them for every source, and a changed image size shows
  // as a changed input shape, which is checked once the data is read.
  const withoutReader = (c: RunConfig): RunConfig => ({ ...c, data: dataConfigFor(c.data, undefined) });
  const conflict = resumeConflict(withoutReader(restored.config), withoutReader(saved), epochsTrained(restored.state), { saved: RUN_FILES.last, asked: RUN_FILES.config });
  if (conflict !== null) throw new UsageError(`--resume: ${path} is not the checkpoint of the run in ${configPath}: ${conflict}`);
}

/**
 * The config to go on with: the flags over the saved config. Only the epoch count, and the learning-rate schedule
 * of epochs not yet trained, may differ (resumeConflict): anything else would make the run something else.
 */
function resumedConfig(flags: ConfigLayer['values'], saved: RunConfig, trained: number): RunConfig {
  const asked = withAbsoluteDataPaths(resolveRunConfig([{ source: 'the checkpoint', values: saved as unknown as ConfigLayer['values'] }, { source: 'flags', values: flags }]));
  const conflict = resumeConflict(withAbsoluteDataPaths(saved), asked, trained);
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
  const engine = (args.flags.engine as EngineChoice | undefined) ?? 'auto';
  const backend = await startBackend(args.flags, engine);
  const native = fusedLoad();

  const userLayers = resume || !args.flags.config ? [flagLayer] : [readConfigFile(args.flags.config as string), flagLayer];
  const fresh = resume ? null : withAbsoluteDataPaths(resolveRunConfig(userLayers));
  if (fresh !== null) refuseUnused(userLayers, (v) => unusedTrainSettings(fresh.model.kind, v), `--model ${fresh.model.kind}`);
  const outDir = (args.flags.out as string | undefined) ?? defaultOutDir(fresh as RunConfig);
  if (resume && !existsSync(join(outDir, RUN_FILES.last))) throw new UsageError(`--resume: no checkpoint to resume at ${join(outDir, RUN_FILES.last)}`);
  const dir = openRunDirectory(outDir, { flag: '--out', command: 'vaekit train', log });
  try {
    return await trainInDirectory(outDir, fresh, { args, userLayers, backend, engine, native, log });
  } finally {
    dir.close();
  }
}

/** What trainCommand settles before it holds the run directory. */
interface TrainSetup {
  args: ParsedCommand;
  /** The user's config layers (a --config file, the flags), for settings that do not apply. */
  userLayers: ConfigLayer[];
  backend: string;
  engine: EngineChoice;
  native: NativeLoad;
  log: (s: string) => void;
}

/** Trains into `outDir`, which this process holds: a fresh run of `fresh`, or (null) the run there resumed. */
async function trainInDirectory(outDir: string, fresh: RunConfig | null, { args, userLayers, backend, engine, native, log }: TrainSetup): Promise<number> {
  let restored: Run | null = null;
  let config: RunConfig;
  // A --config file kept in the run directory is the user's, not a run's.
  const keep: string[] = args.flags.config && resolve(args.flags.config as string) === resolve(outDir, RUN_FILES.config) ? [RUN_FILES.config] : [];
  if (fresh === null) {
    const path = join(outDir, RUN_FILES.last);
    restored = runFromCheckpoint(loadCheckpoint(path), path);
    try {
      checkOwnCheckpoint(outDir, path, restored);
      config = resumedConfig(args.config, restored.config, epochsTrained(restored.state));
      refuseUnused(userLayers, (v) => unusedTrainSettings(config.model.kind, v), `--model ${config.model.kind}`);
    } catch (e) {
      disposeRun(restored);
      throw e;
    }
    restored.config = config;
    if (restored.state.epoch >= config.train.epochs) {
      disposeRun(restored);
      const done = usesTrainSetting(modelKindSpec(config.model.kind), 'epochs')
        ? `already finished ${restored.state.epoch} epochs; pass a larger --epochs to go on`
        : `is fitted already (a ${config.model.kind} is fitted in one pass): there is nothing more to train`;
      throw new UsageError(`--resume: the run in ${outDir} ${done}`);
    }
  } else {
    config = fresh;
    const held = runOutputsIn(outDir).filter((f) => !keep.includes(f));
    if (held.length > 0 && args.flags.force !== true) {
      throw new UsageError(`${outDir} already holds a run (${held.join(', ')}): pass --resume to continue it, --force to start afresh (its files are removed), or --out to use another directory`);
    }
  }

  const loaded = await loadDataset({ data: config.data.data, dataDir: config.data.dataDir ?? undefined, imageSize: config.data.imageSize, channels: config.data.channels, classes: labelClasses(config) });
  refuseUnused(userLayers, (v) => unusedDataSettings(loaded, v), `--data ${config.data.data}`);
  config.data = dataConfigFor(config.data, loaded.settings);
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
  const kindSpec = modelKindSpec(config.model.kind);
  const objective = kindSpec.objective;
  // A kind without epochs (a fit) makes one pass: its log says so rather than count epochs.
  const countsEpochs = usesTrainSetting(kindSpec, 'epochs');
  const ownSplit = loaded.valid ? ' (its own split)' : '';
  log(`data: ${loaded.source}: ${data.train.count} training, ${data.val?.count ?? 0} validation images${ownSplit} of ${shape.join('x')}, binarize ${config.data.binarize}`);
  log(`model: ${config.model.kind}, ${run.model.params.count().toLocaleString('en-US')} parameters, ${modelSettingsText(config.model)}`);
  if (fresh !== null && args.flags.force === true) {
    const removed = removeRunOutputs(outDir, keep);
    if (removed.length > 0) log(`--force: removed the previous run's ${removed.join(', ')} from ${outDir}`);
  }
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
  let engineLine = ''; // a two-stage run reports each stage's engine: said again only if it changes
  // Whether last.ckpt is this run's: a resumed run's, or one saved since it started.
  let lastSaved = restored !== null;
  const saveLast = () => {
    saveCheckpoint(join(outDir, RUN_FILES.last), runToCheckpoint(run));
    lastSaved = true;
  };
  try {
    const events: TrainEvents = {
      onStep: (s) => {
        progress ??= new Progress({ label: countsEpochs ? `epoch ${s.epoch}/${config.train.epochs}` : 'fitting', total: s.total });
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
        const head = countsEpochs ? `epoch ${record.epoch}/${config.train.epochs}  train loss` : `fitted in one pass over ${data.train.count} images: train ${objective}`;
        log(`${head} ${nats(record.train.total)} (${termsText(record.train)})${val}  ${record.seconds.toFixed(1)} s${isBest && countsEpochs ? '  [best]' : ''}`);
      },
      shouldStop: () => stopRequests > 0,
    };
    const status = await trainModel(run, data, {
      train: config.train,
      binarize: config.data.binarize === 'dynamic',
      events,
      onEngine: (path) => {
        const line = `engine: ${engineText(path, native, backend)}`;
        if (line !== engineLine) log((engineLine = line));
      },
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
      const kept = lastSaved ? `the last good checkpoint is kept at ${last}` : 'no epoch finished, so there is no checkpoint';
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
  log(`done: ${outDir} (${countsEpochs ? `best epoch ${run.state.best?.epoch}, ` : ''}${run.state.history.length ? bestText : ''})`);
  log(`next: vaekit eval ${outDir}`);
  for (const l of viewCommandLines(run.model, outDir)) log(`      ${l}`);
  return 0;
}
