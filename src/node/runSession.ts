/**
 * The run session: trains into a run directory (a new run, or the one there resumed), keeping the directory's
 * files as `vaekit train` does. The rules, in one place for the CLI and the library:
 * - a new run refuses a directory holding another run unless `force` (its files are then removed);
 * - `resume` goes on from last.ckpt, which must be the run of the directory's config.json; only the epoch count
 *   and the learning-rate schedule of epochs not yet trained may change;
 * - `initFrom` starts a new run from the shared parameters of another run's checkpoint (a warm start);
 * - every epoch end writes last.ckpt and history.json, and best.ckpt when the epoch is the best so far;
 * - an aborted signal stops after the current step and writes last.ckpt, from which `resume` goes on;
 * - one process writes a directory at a time (a lock file).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigLayer, dataConfigFor, resolveRunConfig, resumeConflict, RunConfig } from '../config/run.js';
import { parseConfigText } from '../config/text.js';
import { checkBatchSize, checkModelSize, KeyName } from '../config/size.js';
import { PreparedTrainImages, prepareTrainImages } from '../data/prepare.js';
import { countsEpochs, RunOptionError, TrainProgress, trainRun } from '../io/runSession.js';
import { createRun, disposeRun, Run, runFromCheckpoint, runToCheckpoint } from '../io/run.js';
import { epochsTrained, initialTrainState, TrainState } from '../train/state.js';
import { DivergedError } from '../train/loop.js';
import { labelClasses, withAbsoluteDataPaths } from './datasets.js';
import { DataStorage, heldBytes, loadTrainingData, streamCacheBytes, TrainingData } from './trainingData.js';
import { Engine, startEngine } from './engine.js';
import { readRegularFileSync } from './files.js';
import { openRunDirectory } from './runDirectory.js';
import { loadCheckpoint, removeRunOutputs, resolveCheckpointPath, RUN_FILES, runOutputsIn, saveCheckpoint, saveJson } from './runFiles.js';

/** How messages name the session's options: the library's option names, or the CLI's flags. */
export interface SessionNames {
  resume: string;
  force: string;
  initFrom: string;
  out: string;
  epochs: string;
  lrSteps: string;
}

/** The library's names for the options, as `fit` takes them. */
export const OPTION_NAMES: SessionNames = { resume: 'resume', force: 'force', initFrom: 'initFrom', out: 'out', epochs: 'train.epochs', lrSteps: 'train.lrSteps' };

/** What a session reports: the trainer's events, and what it settled before the first step. */
export type SessionProgress =
  | TrainProgress
  /** A note about the directory (a stale lock taken over, temporary files of a killed writer removed). */
  | { type: 'note'; text: string }
  /** The warm start: parameters copied from `from` (a checkpoint at `epoch`), and those initialized afresh. */
  | { type: 'warm-start'; from: string; epoch: number; loaded: string[]; fresh: string[] }
  /** Before the first step: the data, the model, files removed by `force`, where a resumed run goes on. */
  | { type: 'ready'; dir: string; config: RunConfig; data: DataSummary; parameters: number; removed: string[]; resumedAt: { epoch: number; batch: number } | null };

/** The training data as a session read them. */
export interface DataSummary {
  /** Where the images came from. */
  source: string;
  train: number;
  val: number;
  /** The validation images are the data set's own split. */
  ownSplit: boolean;
  shape: [number, number, number];
  /** How the training images are held, with the bytes of images in memory and the most the stream's cache holds. */
  storage: DataStorage & { heldBytes: number; cacheBytes: number };
}

/** Checks a caller adds at the session's stages; each throws to refuse. */
export interface SessionChecks {
  /** The config about to be trained, before any data are read (for a resumed run: the saved config with the changes). */
  config?(config: RunConfig): void;
  /** The data set as read. */
  data?(loaded: TrainingData, config: RunConfig): void;
  /** The run about to be trained, warm-started where asked. */
  run?(run: Run): void;
}

/** A session's options. */
export interface TrainDirectoryOptions {
  /** The run directory. */
  out: string;
  /** The resolved config of a new run. Ignored with `resume`. */
  config?: RunConfig;
  /** Go on with the run in `out` from its last.ckpt. */
  resume?: boolean;
  /** With `resume`: settings that change (train.epochs, train.lrSteps of epochs not yet trained). */
  changes?: ConfigLayer['values'];
  /** A new run in a directory holding another removes that run's files rather than refusing. */
  force?: boolean;
  /** A checkpoint or run directory whose shared parameters start the new run (a warm start). */
  initFrom?: string;
  /** Files of `out` that are not the run's and stay (a config file the user keeps there). */
  keep?: string[];
  /** Aborting it stops after the current step and writes last.ckpt. */
  signal?: AbortSignal;
  /** Told of each step, epoch, the engine and what the session settled. */
  onProgress?(event: SessionProgress): void;
  /** The engine to compute on. Default: the fastest available (startEngine()). */
  engine?: Engine;
  /** What holds the directory, for another process's messages. Default 'vaekit fit'. */
  command?: string;
  /** How messages name the options. Default OPTION_NAMES. */
  names?: SessionNames;
  /** How size refusals name a config key. Default: `section.key`. */
  keyName?: KeyName;
  checks?: SessionChecks;
}

/** How a session ended. */
export interface TrainDirectoryResult {
  status: 'finished' | 'stopped';
  dir: string;
  /** The run as training left it (the last epoch's weights, not necessarily the best); the caller disposes it. */
  run: Run;
  /** Whether it went on from a checkpoint. */
  resumed: boolean;
}

/** Training diverged: the run is left at its last checkpoint, if any. */
export class RunDivergedError extends Error {
  override name = 'RunDivergedError';
  constructor(
    /** What became non-finite, and where; `hint`: what to try for a new run. */
    readonly detail: string,
    readonly hint: string,
    /** The run's last.ckpt, or null when none was written (no epoch finished). */
    readonly lastCheckpoint: string | null,
    /** Whether the run had been resumed (its rate cannot change then). */
    readonly resumed: boolean,
    options?: ErrorOptions,
  ) {
    super(`${detail} ${hint}`, options);
  }
}

/** Copies the shared parameters of another run's checkpoint into the new run's model. */
function warmStart(run: Run, target: string, names: SessionNames): Extract<SessionProgress, { type: 'warm-start' }> {
  let path: string;
  try {
    path = resolveCheckpointPath(target);
  } catch (e) {
    throw new RunOptionError(`${names.initFrom}: ${(e as Error).message}`);
  }
  const source = runFromCheckpoint(loadCheckpoint(path), path);
  try {
    const { loaded, fresh } = run.model.params.loadShared(source.model.params.snapshot(), path);
    if (loaded.length === 0) throw new RunOptionError(`${names.initFrom}: ${path} (a ${source.config.model.kind}) shares no parameter with the new ${run.config.model.kind}`);
    return { type: 'warm-start', from: path, epoch: source.state.epoch, loaded, fresh };
  } finally {
    disposeRun(source);
  }
}

/**
 * Refuses a last.ckpt that is not the run's own (another kind, or another config than the directory's
 * config.json allows going on with) before anything is written. A directory without config.json has nothing
 * to check against.
 */
function checkOwnCheckpoint(outDir: string, path: string, restored: Run, names: SessionNames): void {
  const configPath = join(outDir, RUN_FILES.config);
  if (!existsSync(configPath)) return;
  let values: ConfigLayer['values'];
  try {
    values = parseConfigText(readRegularFileSync(configPath).toString('utf8')) as ConfigLayer['values'];
  } catch (e) {
    throw new RunOptionError(`${names.resume}: ${configPath} is not valid JSON (${(e as Error).message}); it should hold the run's resolved config`);
  }
  const saved = resolveRunConfig([{ source: configPath, values }]);
  const kind = restored.config.model.kind;
  if (saved.model.kind !== kind) {
    throw new RunOptionError(`${names.resume}: ${path} holds a ${kind} run, but ${configPath} is a ${saved.model.kind} run: the checkpoint is not this run's`);
  }
  // The reader's settings are left out: older runs saved them for every source, and a changed image size shows
  // as a changed input shape, which is checked once the data is read.
  const withoutReader = (c: RunConfig): RunConfig => ({ ...c, data: dataConfigFor(c.data, undefined) });
  const conflict = resumeConflict(withoutReader(restored.config), withoutReader(saved), epochsTrained(restored.state), { saved: RUN_FILES.last, asked: RUN_FILES.config });
  if (conflict !== null) throw new RunOptionError(`${names.resume}: ${path} is not the checkpoint of the run in ${configPath}: ${conflict}`);
}

/**
 * The config to go on with: the changes over the saved config. Only the epoch count, and the learning-rate
 * schedule of epochs not yet trained, may differ (resumeConflict): anything else would make the run something else.
 */
function resumedConfig(changes: ConfigLayer['values'], saved: RunConfig, trained: number, names: SessionNames): RunConfig {
  const asked = withAbsoluteDataPaths(resolveRunConfig([{ source: 'the checkpoint', values: saved as unknown as ConfigLayer['values'] }, { source: 'flags', values: changes }]));
  const conflict = resumeConflict(withAbsoluteDataPaths(saved), asked, trained);
  if (conflict !== null) throw new RunOptionError(`${names.resume}: ${conflict} cannot change when resuming; only ${names.epochs}, and ${names.lrSteps} for epochs not yet trained, can`);
  return asked;
}

/** The run in `outDir` restored from its last.ckpt, with the config to go on with; refused if finished. */
function restoreRun(outDir: string, opts: TrainDirectoryOptions, names: SessionNames): Run {
  const path = join(outDir, RUN_FILES.last);
  const restored = runFromCheckpoint(loadCheckpoint(path), path);
  let config: RunConfig;
  try {
    checkOwnCheckpoint(outDir, path, restored, names);
    config = resumedConfig(opts.changes ?? {}, restored.config, epochsTrained(restored.state), names);
    opts.checks?.config?.(config);
  } catch (e) {
    disposeRun(restored);
    throw e;
  }
  restored.config = config;
  if (restored.state.epoch >= config.train.epochs) {
    disposeRun(restored);
    const done = countsEpochs(config.model.kind)
      ? `already finished ${restored.state.epoch} epochs; pass a larger ${names.epochs} to go on`
      : `is fitted already (a ${config.model.kind} is fitted in one pass): there is nothing more to train`;
    throw new RunOptionError(`${names.resume}: the run in ${outDir} ${done}`);
  }
  return restored;
}

/**
 * Trains into the run directory `opts.out`: a new run of `opts.config`, or with `resume` the run there. Holds
 * the directory's lock while it trains. Returns the run as training left it (dispose it when done).
 */
export async function trainRunDirectory(opts: TrainDirectoryOptions): Promise<TrainDirectoryResult> {
  const names = opts.names ?? OPTION_NAMES;
  const outDir = opts.out;
  if (!opts.resume && !opts.config) throw new RunOptionError('a new run needs its config (or resume, to go on with a run)');
  if (opts.resume && opts.initFrom) throw new RunOptionError(`${names.initFrom} starts a new run; ${names.resume} continues one: drop one of them`);
  if (opts.resume && !existsSync(join(outDir, RUN_FILES.last))) throw new RunOptionError(`${names.resume}: no checkpoint to resume at ${join(outDir, RUN_FILES.last)}`);
  const engine = opts.engine ?? (await startEngine());
  const dir = openRunDirectory(outDir, { flag: names.out, command: opts.command ?? 'vaekit fit', log: (text) => opts.onProgress?.({ type: 'note', text }) });
  try {
    return await trainHeldDirectory(outDir, opts, engine, names);
  } finally {
    dir.close();
  }
}

/** trainRunDirectory in `outDir`, which this process holds. */
async function trainHeldDirectory(outDir: string, opts: TrainDirectoryOptions, engine: Engine, names: SessionNames): Promise<TrainDirectoryResult> {
  const keep = opts.keep ?? [];
  const restored = opts.resume ? restoreRun(outDir, opts, names) : null;
  let config: RunConfig;
  if (restored) config = restored.config;
  else {
    config = opts.config as RunConfig;
    const held = runOutputsIn(outDir).filter((f) => !keep.includes(f));
    if (held.length > 0 && opts.force !== true) {
      throw new RunOptionError(`${outDir} already holds a run (${held.join(', ')}): pass ${names.resume} to continue it, ${names.force} to start afresh (its files are removed), or ${names.out} to use another directory`);
    }
  }

  let loaded: TrainingData;
  try {
    loaded = await loadTrainingData({ data: config.data.data, dataDir: config.data.dataDir ?? undefined, imageSize: config.data.imageSize, channels: config.data.channels, classes: labelClasses(config) }, config.data);
  } catch (e) {
    if (restored) disposeRun(restored);
    throw e;
  }
  try {
    return await trainOnData(outDir, opts, engine, names, config, restored, loaded);
  } finally {
    await loaded.close();
  }
}

/** trainHeldDirectory once the data are open. */
async function trainOnData(outDir: string, opts: TrainDirectoryOptions, engine: Engine, names: SessionNames, config: RunConfig, restored: Run | null, loaded: TrainingData): Promise<TrainDirectoryResult> {
  const keep = opts.keep ?? [];
  let data: PreparedTrainImages;
  try {
    opts.checks?.data?.(loaded, config);
    config.data = dataConfigFor(config.data, loaded.settings);
    data = await prepareTrainImages(loaded, config.data, config.train.seed);
  } catch (e) {
    if (restored) disposeRun(restored);
    throw e;
  }
  const shape = data.train.shape;
  if (restored && shape.join('x') !== restored.inputShape.join('x')) {
    disposeRun(restored);
    throw new Error(`the checkpoint in ${outDir} was trained on ${restored.inputShape.join('x')} images, but ${loaded.source} has ${shape.join('x')}`);
  }
  if (!restored) {
    checkModelSize(config, shape, opts.keyName);
    checkBatchSize(config, shape, opts.keyName);
  }
  const run = restored ?? createRun(config, shape, initialTrainState());
  try {
    if (opts.initFrom) opts.onProgress?.(warmStart(run, opts.initFrom, names));
    opts.checks?.run?.(run);
  } catch (e) {
    disposeRun(run);
    throw e;
  }
  const removed = !restored && opts.force === true ? removeRunOutputs(outDir, keep) : [];
  saveJson(join(outDir, RUN_FILES.config), config);
  opts.onProgress?.({
    type: 'ready',
    dir: outDir,
    config,
    data: {
      source: loaded.source,
      train: data.train.count,
      val: data.val?.count ?? 0,
      ownSplit: loaded.valid !== undefined,
      shape,
      storage: { ...loaded.storage, heldBytes: heldBytes(data.train, data.val), cacheBytes: streamCacheBytes(data.train, config.train.batchSize) },
    },
    parameters: run.model.params.count(),
    removed,
    resumedAt: restored ? { epoch: run.state.epoch, batch: run.state.batch } : null,
  });
  return trainAndKeep(outDir, run, data, opts, engine, restored !== null);
}

/** Trains `run`, writing its checkpoints and history into `outDir`; on divergence leaves the last checkpoint. */
async function trainAndKeep(outDir: string, run: Run, data: PreparedTrainImages, opts: TrainDirectoryOptions, engine: Engine, resumed: boolean): Promise<TrainDirectoryResult> {
  const last = join(outDir, RUN_FILES.last);
  // Whether last.ckpt is this run's: a resumed run's, or one saved since it started.
  let lastSaved = resumed;
  const saveLast = () => {
    saveCheckpoint(last, runToCheckpoint(run));
    lastSaved = true;
  };
  try {
    const status = await trainRun(run, data, {
      signal: opts.signal,
      onProgress: opts.onProgress,
      onEpochEnd: (_record, state: TrainState, best) => {
        saveLast();
        if (best) saveCheckpoint(join(outDir, RUN_FILES.best), runToCheckpoint(run));
        saveJson(join(outDir, RUN_FILES.history), state.history);
      },
    });
    if (status === 'stopped') saveLast();
    return { status, dir: outDir, run, resumed };
  } catch (e) {
    disposeRun(run);
    if (e instanceof DivergedError) throw new RunDivergedError(e.detail, e.hint, lastSaved ? last : null, resumed, { cause: e });
    throw e;
  }
}
