import { join, resolve } from 'node:path';
import { ConfigLayer, objectiveName, resolveRunConfig, RunConfig, stopsEarly, unusedDataSettings, unusedTrainSettings } from '../config/run.js';
import { parseConfigText } from '../config/text.js';
import { disposeRun, readRunMeta } from '../io/run.js';
import { countsEpochs } from '../io/runSession.js';
import { withAbsoluteDataPaths } from '../node/datasets.js';
import type { Engine } from '../node/engine.js';
import { NotAFileError, readRegularFileSync } from '../node/files.js';
import { defaultRunDirectory } from '../node/fit.js';
import { fusedLoad } from '../node/backend.js';
import { EngineChoice } from '../node/native.js';
import { presetNames, presetPath } from '../node/presets.js';
import { Progress } from '../node/progress.js';
import { loadCheckpoint, RUN_FILES } from '../node/runFiles.js';
import { RunDivergedError, SessionNames, SessionProgress, TrainDirectoryOptions, trainRunDirectory } from '../node/runSession.js';
import { storageText } from '../node/trainingData.js';
import { checkNativeEngine, engineText, flagKeyName, modelSettingsText, nats, refuseUnused, resumedDivergenceHint, startBackend, termsText } from './common.js';
import { ParsedCommand, UsageError } from './flags.js';
import { didYouMean } from './suggest.js';
import { viewCommandLines } from './nextSteps.js';
import { stopOnSigint } from './stopOnSigint.js';

function readConfigFile(path: string, flag: string): ConfigLayer {
  let text: string;
  try {
    text = readRegularFileSync(path).toString('utf8');
  } catch (e) {
    throw new UsageError(`${flag}: cannot read ${path}${e instanceof NotAFileError ? `: expected a regular file, found ${e.kind}` : ''}`);
  }
  try {
    return { source: path, values: parseConfigText(text) as ConfigLayer['values'] };
  } catch (e) {
    throw new UsageError(`${flag}: ${path} is not valid JSON (${(e as Error).message})`);
  }
}

/** The file of a shipped config, or an error listing the names there are. */
function presetFile(name: string): string {
  const path = presetPath(name);
  if (path === null) throw new UsageError(`--preset: no config named "${name}"${didYouMean(name, presetNames(), '')} (the presets: ${presetNames().join(', ') || 'none'})`);
  return path;
}

export async function trainCommand(args: ParsedCommand, log: (s: string) => void): Promise<number> {
  if (args.flags.model !== undefined) args.config.model.kind = args.flags.model;
  const flagLayer: ConfigLayer = { source: 'flags', values: args.config };
  const resume = args.flags.resume === true;
  if (args.flags.preset !== undefined && args.flags.config !== undefined) throw new UsageError('--preset and --config each give the config file: drop one of them');
  const configPath = args.flags.preset !== undefined ? presetFile(args.flags.preset as string) : (args.flags.config as string | undefined);
  const configFlag = args.flags.preset !== undefined ? '--preset' : '--config';
  if (resume && configPath) throw new UsageError(`--resume takes its config from the checkpoint; drop ${configFlag}`);
  if (resume && !args.flags.out) throw new UsageError('--resume needs --out <run directory>');
  if (resume && args.flags['init-from']) throw new UsageError('--init-from starts a new run; --resume continues one: drop one of them');
  const engineChoice = (args.flags.engine as EngineChoice | undefined) ?? 'auto';
  const backend = await startBackend(args.flags, engineChoice);
  const native = fusedLoad();

  const userLayers = resume || !configPath ? [flagLayer] : [readConfigFile(configPath, configFlag), flagLayer];
  const fresh = resume ? null : withAbsoluteDataPaths(resolveRunConfig(userLayers));
  if (fresh !== null) refuseUnused(userLayers, (v) => unusedTrainSettings(fresh.model.kind, v), `--model ${fresh.model.kind}`);
  const outDir = (args.flags.out as string | undefined) ?? (args.flags.preset !== undefined ? join('runs', args.flags.preset as string) : defaultRunDirectory(fresh as RunConfig));
  // A --config file kept in the run directory is the user's, not a run's.
  const keep: string[] = configPath && resolve(configPath) === resolve(outDir, RUN_FILES.config) ? [RUN_FILES.config] : [];
  return trainSession({
    out: outDir,
    config: fresh ?? undefined,
    resume,
    changes: args.config,
    force: args.flags.force === true,
    initFrom: args.flags['init-from'] as string | undefined,
    keep,
    engine: { backend, native },
    keyName: fresh ? flagKeyName(fresh) : undefined,
    checks: {
      config: (config) => refuseUnused(userLayers, (v) => unusedTrainSettings(config.model.kind, v), `--model ${config.model.kind}`),
      data: (loaded, config) => refuseUnused(userLayers, (v) => unusedDataSettings(loaded, v), `--data ${config.data.data}`),
      run: (run) => checkNativeEngine(engineChoice, run.model, run.config.model),
    },
  }, log);
}

/** The flags naming the session's options in its messages. */
export const FLAG_NAMES: SessionNames = { resume: '--resume', force: '--force', initFrom: '--init-from', out: '--out', epochs: '--epochs', lrSteps: '--lr-steps' };

/**
 * Trains into a run directory (src/node/runSession.ts) and prints it as `vaekit train` does: what it settled,
 * a progress bar per epoch, a line per epoch, how it ended. Ctrl-C stops after the current step with a
 * checkpoint; a second Ctrl-C quits. Returns the exit code.
 */
export async function trainSession(opts: TrainDirectoryOptions & { engine: Engine }, log: (s: string) => void): Promise<number> {
  const { backend, native } = opts.engine;
  const stop = stopOnSigint();
  let progress = null as Progress | null;
  let engineLine = ''; // a two-stage run reports each stage's engine: said again only if it changes
  let config = opts.config as RunConfig;
  let trainCount = 0;
  const onProgress = (e: SessionProgress) => {
    switch (e.type) {
      case 'note':
        return log(e.text);
      case 'warm-start':
        return log(`init: ${e.loaded.length} parameters from ${e.from} (epoch ${e.epoch})${e.fresh.length > 0 ? `; initialized afresh: ${e.fresh.join(', ')}` : ''}`);
      case 'ready': {
        config = e.config;
        trainCount = e.data.train;
        const ownSplit = e.data.ownSplit ? ' (its own split)' : '';
        log(`data: ${e.data.source}: ${e.data.train} training, ${e.data.val} validation images${ownSplit} of ${e.data.shape.join('x')}, binarize ${config.data.binarize}`);
        log(`data held: ${storageText(e.data.storage)}`);
        log(`model: ${config.model.kind}, ${e.parameters.toLocaleString('en-US')} parameters, ${modelSettingsText(config.model)}`);
        if (e.removed.length > 0) log(`--force: removed the previous run's ${e.removed.join(', ')} from ${e.dir}`);
        if (e.resumedAt) log(`resuming ${e.dir} at epoch ${e.resumedAt.epoch + 1}, batch ${e.resumedAt.batch}`);
        return;
      }
      case 'engine': {
        const line = `engine: ${engineText(e.path, native, backend)}`;
        if (line !== engineLine) log((engineLine = line));
        return;
      }
      case 'step': {
        const s = e.info;
        progress ??= new Progress({ label: countsEpochs(config.model.kind) ? `epoch ${s.epoch}/${config.train.epochs}` : 'fitting', total: s.total });
        progress.update(s.done, Object.fromEntries(Object.entries(s.running).map(([k, v]) => [k === 'total' ? 'loss' : k, v])));
        return;
      }
      case 'epoch': {
        progress?.finish();
        progress = null;
        const { record, best } = e;
        const objective = objectiveName(config);
        const counts = countsEpochs(config.model.kind);
        // Semi-supervised kinds validate on classification error alone: no objective to show there.
        const val = !record.val ? '' : record.val.total === undefined ? `  val ${termsText(record.val)}` : `  val ${objective} ${nats(record.val.total)} (${termsText(record.val)})`;
        // An objective other than the kind's own is named, so a log says what its figures are.
        const loss = config.train.objective === 'elbo' ? 'loss' : objective;
        const head = counts ? `epoch ${record.epoch}/${config.train.epochs}  train ${loss}` : `fitted in one pass over ${trainCount} images: train ${objective}`;
        log(`${head} ${nats(record.train.total)} (${termsText(record.train)})${val}  ${record.seconds.toFixed(1)} s${best && counts ? '  [best]' : ''}`);
        return;
      }
    }
  };
  let result;
  try {
    result = await trainRunDirectory({ command: 'vaekit train', names: FLAG_NAMES, ...opts, signal: stop.signal, onProgress });
  } catch (e) {
    progress?.finish();
    if (e instanceof RunDivergedError) {
      const kept = e.lastCheckpoint ? `the last good checkpoint is kept at ${e.lastCheckpoint}` : 'no epoch finished, so there is no checkpoint';
      const last = join(opts.out, RUN_FILES.last);
      const hint = e.resumed ? resumedDivergenceHint(readRunMeta(loadCheckpoint(last), last).state, config.train.lrSteps, opts.out) : e.hint;
      process.stderr.write(`vaekit train: training stopped: ${e.detail} ${hint}\n${kept}\n`);
      return 1;
    }
    throw e;
  } finally {
    stop.dispose();
  }
  const { run, dir: outDir } = result;
  try {
    if (result.status === 'stopped') {
      progress?.finish();
      log(`stopped at epoch ${run.state.epoch + 1}, batch ${run.state.batch}; checkpoint saved to ${join(outDir, RUN_FILES.last)}`);
      log(`resume with: vaekit train --resume --out ${outDir}`);
      return 130;
    }
    const objective = objectiveName(config);
    const bestRecord = run.state.history.find((h) => h.epoch === run.state.best?.epoch);
    const bestText = bestRecord?.val && bestRecord.val.total === undefined ? `val ${termsText(bestRecord.val)}` : `${objective} ${nats(run.state.best?.total)}`;
    log(`done: ${outDir} (${countsEpochs(config.model.kind) ? `best epoch ${run.state.best?.epoch}, ` : ''}${run.state.history.length ? bestText : ''})`);
    if (stopsEarly(config.train, run.state)) log(`stopped early after epoch ${run.state.epoch} of ${config.train.epochs}: no better score in the ${config.train.patience} epochs since (--patience)`);
    log(`next: vaekit eval ${outDir}`);
    for (const l of viewCommandLines(run.model, outDir)) log(`      ${l}`);
    return 0;
  } finally {
    disposeRun(run);
  }
}
