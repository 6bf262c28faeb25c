/**
 * The short path for Node: `fit` trains a run into a directory and returns it, `loadRun` opens a trained one.
 * Both compute on the fastest engine available (the native backend where the addon loads, as `--backend auto`).
 */
import { dirname, join } from 'node:path';
import type { FitConfig } from '../config/fitConfig.js';
import { resolveRunConfig, RunConfig, unusedTrainSettings } from '../config/run.js';
import { ConfigError } from '../config/schema.js';
import { runFromCheckpoint } from '../io/run.js';
import { TrainedRun } from '../io/trainedRun.js';
import { DATASET_NAMES, withAbsoluteDataPaths } from './datasets.js';
import { EngineOptions, startEngine } from './engine.js';
import { loadCheckpoint, resolveCheckpointPath } from './runFiles.js';
import { SessionProgress, trainRunDirectory } from './runSession.js';

/** How `fit` runs, beyond what it trains. */
export interface FitOptions extends EngineOptions {
  /** The run directory (made if missing). Default: runs/<kind>-<data>-z<latentDim>. */
  out?: string;
  /**
   * Go on with the run in `out` from its last checkpoint; the config then holds only what changes
   * (train.epochs, train.lrSteps of epochs not yet trained).
   */
  resume?: boolean;
  /** Start afresh in a directory holding another run, removing its files. Default: refuse. */
  force?: boolean;
  /** A checkpoint or run directory whose shared parameters start the new run (a warm start). */
  initFrom?: string;
  /** Aborting it stops training after the current step and writes last.ckpt (`resume` goes on from there). */
  signal?: AbortSignal;
  /** Told of each step, epoch end and the engine; see SessionProgress. */
  onProgress?(event: SessionProgress): void;
}

/** The directory a run of `config` goes to when none is given: runs/<kind>-<data>-z<latentDim>. */
export function defaultRunDirectory(config: RunConfig): string {
  const data = (DATASET_NAMES as readonly string[]).includes(config.data.data) ? config.data.data : 'custom';
  return join('runs', `${config.model.kind}-${data}-z${config.model.latentDim}`);
}

/** The resolved config of a new run; a setting the kind has no use for is an error naming it. */
function fitConfig(config: FitConfig): RunConfig {
  const values = config as Record<string, Record<string, unknown>>;
  const resolved = withAbsoluteDataPaths(resolveRunConfig([{ source: 'fit', values }]));
  const [unused] = unusedTrainSettings(resolved.model.kind, values);
  if (unused) throw new ConfigError(`${unused.section}.${unused.key} does not apply to a ${resolved.model.kind}: ${unused.reason}`);
  return resolved;
}

/**
 * Trains a model and returns it, like Keras' `model.fit`: the run directory gets config.json, last.ckpt,
 * best.ckpt (the best epoch by validation) and history.json, which `vaekit eval`, `vaekit report` and the view
 * commands read. Returns the run as training left it (the last epoch); `loadRun(dir)` gives the best.
 *
 * @example
 * const run = await fit({ model: { kind: 'vae', latentDim: 2 }, train: { epochs: 5 } }, { out: 'runs/z2' });
 * const codes = run.encode(images);
 * run.dispose();
 *
 * Throws a ConfigError for an unknown or ill-typed setting, a RunOptionError for options that cannot be
 * honoured (a directory holding another run without `force`, `resume` without a checkpoint), and a
 * RunDivergedError when the loss became non-finite (the last good checkpoint is kept).
 */
export async function fit(config: FitConfig = {}, options: FitOptions = {}): Promise<TrainedRun> {
  const engine = await startEngine(options);
  const fresh = options.resume ? undefined : fitConfig(config);
  if (options.resume && !options.out) throw new ConfigError('resume needs out: the run directory to go on with');
  const out = options.out ?? defaultRunDirectory(fresh as RunConfig);
  const result = await trainRunDirectory({
    out,
    config: fresh,
    resume: options.resume,
    changes: config as Record<string, Record<string, unknown>>,
    force: options.force,
    initFrom: options.initFrom,
    signal: options.signal,
    onProgress: options.onProgress,
    engine,
  });
  return new TrainedRun(result.run, out, result.status);
}

/**
 * Opens a trained run: a run directory (its best checkpoint, else its last), a checkpoint file or
 * `zoo:<name>`, a model of the package's zoo (`vaekit zoo` lists them), on the fastest engine available.
 * Dispose it when done.
 */
export async function loadRun(target: string, options: EngineOptions = {}): Promise<TrainedRun> {
  await startEngine(options);
  const path = resolveCheckpointPath(target);
  return new TrainedRun(runFromCheckpoint(loadCheckpoint(path), path), dirname(path));
}
