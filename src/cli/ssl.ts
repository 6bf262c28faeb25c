/**
 * `vaekit ssl`: the semi-supervised MNIST experiment of Kingma, Rezende, Mohamed & Welling 2014, Table 1.
 * 50,000 training images of which N keep their label (N/10 per class), 10,000 for validation (the best epoch
 * by validation error is kept), test error on the 10,000 test images; several seeds; one run directory per
 * seed, so an interrupted experiment resumes where it stopped.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigLayer, resolveRunConfig, resumeConflict, RunConfig } from '../config/run.js';
import { prepareTestData, prepareTrainingData } from '../data/prepare.js';
import { classificationError } from '../eval/classification.js';
import { SslResult, sslMarkdown, sslRows } from '../eval/sslTable.js';
import { CheckpointData } from '../io/checkpoint.js';
import { createRun, disposeRun, readRunMeta, Run, runFromCheckpoint, runToCheckpoint } from '../io/run.js';
import { trainRun } from '../io/runSession.js';
import { isClassifier } from '../models/labelled.js';
import { isTwoStageModel, STAGE_PREFIXES } from '../models/m1m2.js';
import { M1M2Config, SECOND_STAGE_KEYS } from '../models/m1m2Config.js';
import { modelKindSpec } from '../models/registry.js';
import { BackendChoice, fusedLoad, initBackend } from '../node/backend.js';
import { labelClasses, loadDataset, LoadedData, withAbsoluteDataPaths } from '../node/datasets.js';
import { ensureDir, writeFileAtomic } from '../node/files.js';
import { EngineChoice } from '../node/native.js';
import { Progress } from '../node/progress.js';
import { loadCheckpoint, RUN_FILES, saveCheckpoint, saveJson } from '../node/runFiles.js';
import { epochsTrained, initialTrainState } from '../train/state.js';
import { checkNativeEngine, checkRunSize, engineText, termsText } from './common.js';
import { ParsedCommand, UsageError } from './flags.js';
import { stopOnSigint } from './stopOnSigint.js';
import { openRunDirectory } from '../node/runDirectory.js';

function isTwoStageKind(config: RunConfig): boolean {
  return modelKindSpec(config.model.kind).trainer === 'two-stage';
}

/** The paper's protocol: 10,000 of MNIST's 60,000 training images held out for validation (--val-size). */
const VALIDATION_IMAGES = 10000;

/** The run config of one seed: flags over the kind's defaults, with the protocol's labels, split and seed. */
function seedConfig(args: ParsedCommand, kind: string, labels: number, seed: number): RunConfig {
  const flags: ConfigLayer = { source: 'flags', values: { model: { ...args.config.model, kind, labelled: labels }, train: { ...args.config.train, seed }, data: { valSize: VALIDATION_IMAGES, ...args.config.data } } };
  return withAbsoluteDataPaths(resolveRunConfig([flags]));
}

/** A finished run's result, or null. */
function readResult(dir: string): SslResult | null {
  const path = join(dir, RUN_FILES.result);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as SslResult) : null;
}

/** Every result under the experiment directory, for the table. */
function allResults(outDir: string): SslResult[] {
  const out: SslResult[] = [];
  for (const group of existsSync(outDir) ? readdirSync(outDir) : []) {
    const groupDir = join(outDir, group);
    if (!/^[a-z0-9]+-\d+$/.test(group)) continue;
    for (const seedDir of readdirSync(groupDir)) {
      const r = /^seed-\d+$/.test(seedDir) ? readResult(join(groupDir, seedDir)) : null;
      if (r) out.push(r);
    }
  }
  return out;
}

/** Where a two-stage run saves itself at the end of its first stage, for other runs of the same M1. */
const STAGE_ONE = RUN_FILES.stageOne;

/** The config as stage 1 reads it: the settings only stage 2 reads (the label count among them) set aside. */
function asStageOne(config: RunConfig): RunConfig {
  const model = { ...config.model } as Record<string, unknown>;
  for (const key of SECOND_STAGE_KEYS) delete model[key];
  return { ...config, model: model as unknown as RunConfig['model'] };
}

/** Why a first stage trained with config `saved` is not this run's, or null when it is the same M1. */
function stageOneConflict(saved: RunConfig, config: RunConfig): string | null {
  const m1Epochs = (config.model as M1M2Config).m1Epochs;
  return resumeConflict(asStageOne(saved), asStageOne(config), m1Epochs, { saved: 'there', asked: 'here' });
}

/** A first stage saved by a run, and where. */
interface StageOne {
  path: string;
  data: CheckpointData;
}

/**
 * A first stage to start from: M1 of M1+M2 never sees a label nor M2's settings, so the runs of one seed that
 * differ only in those train the same M1 (same seed, split, M1 flags and schedule). Looks in the experiment
 * directories `dirs` (this --out, then --m1-from's) for a seed's stage1.ckpt that agrees; returns it, or
 * null with the reasons the ones found did not agree.
 */
function findStageOne(dirs: readonly string[], config: RunConfig): { found: StageOne | null; refused: string[] } {
  const seedDir = `seed-${config.train.seed}`;
  const refused: string[] = [];
  for (const dir of dirs) {
    for (const group of existsSync(dir) ? readdirSync(dir).sort() : []) {
      const path = join(dir, group, seedDir, STAGE_ONE);
      if (!group.startsWith(`${config.model.kind}-`) || !existsSync(path)) continue;
      const data = loadCheckpoint(path);
      const conflict = stageOneConflict(readRunMeta(data, path).config, config);
      if (conflict === null) return { found: { path, data }, refused };
      refused.push(`${path}: another ${conflict}`);
    }
  }
  return { found: null, refused };
}

/**
 * This run at the end of its first stage, from another run's: M1's weights and Adam moments, the position and the
 * history from there; M2's weights as this run's own initialization draws them (M2 is untouched in stage 1).
 */
function runFromStageOne({ path, data }: StageOne, config: RunConfig, shape: [number, number, number]): Run {
  const saved = readRunMeta(data, path);
  const fresh = createRun(config, shape, initialTrainState());
  const own = runToCheckpoint(fresh);
  disposeRun(fresh);
  const tensors = new Map(own.tensors);
  // Parameters are param/<name>, Adam's moments adam.m/<name> and adam.v/<name>; M1's names start m1/.
  const ofM1 = (name: string) => /^(param|adam\.[mv])\//.test(name) && name.slice(name.indexOf('/') + 1).startsWith(STAGE_PREFIXES.first);
  for (const [name, values] of data.tensors) if (ofM1(name)) tensors.set(name, values);
  const meta = { ...own.meta, state: saved.state, optimizerStep: saved.optimizerStep };
  return runFromCheckpoint({ meta, tensors }, path);
}

/** Refuses to go on with (or report) the run in `dir` under a config that would have trained it otherwise. */
function checkSameRun(dir: string, saved: RunConfig, asked: RunConfig, trained: number): void {
  const conflict = resumeConflict(withAbsoluteDataPaths(saved), asked, trained);
  if (conflict !== null) {
    throw new UsageError(`${dir} holds a run with another ${conflict} (saved config: ${JSON.stringify(saved)}); use another --out, or the same flags (only --epochs, and --lr-steps for epochs not yet trained, may change)`);
  }
}

/** A run directory's config.json, resolved over today's defaults. */
function readRunConfig(path: string): RunConfig {
  return resolveRunConfig([{ source: path, values: JSON.parse(readFileSync(path, 'utf8')) as ConfigLayer['values'] }]);
}

/**
 * Opens the run in `dir` to go on (checking its config is the one asked for), or starts it: from another run's
 * first stage where one agrees (of another label count in this --out, or in --m1-from's), else afresh.
 */
function openSeedRun(dir: string, config: RunConfig, shape: [number, number, number], m1From: string | null, log: (s: string) => void): { run: Run; resumed: boolean } {
  const path = join(dir, RUN_FILES.last);
  if (!existsSync(path)) {
    const run = startSeedRun(dir, config, shape, m1From, log);
    return { run, resumed: false };
  }
  const run = runFromCheckpoint(loadCheckpoint(path), path);
  try {
    checkSameRun(dir, run.config, config, epochsTrained(run.state));
  } catch (e) {
    disposeRun(run);
    throw e;
  }
  run.config.train = config.train;
  return { run, resumed: true };
}

/** A seed's run from its start: from another run's first stage where one agrees, else afresh. */
function startSeedRun(dir: string, config: RunConfig, shape: [number, number, number], m1From: string | null, log: (s: string) => void): Run {
  const stageOne = isTwoStageKind(config) ? findStageOne([join(dir, '..', '..'), ...(m1From === null ? [] : [m1From])], config) : null;
  if (stageOne?.found) {
    log(`${dir}: starting from the first stage (M1) of ${stageOne.found.path}: the same M1, which sees neither labels nor M2's settings`);
    return runFromStageOne(stageOne.found, config, shape);
  }
  if (m1From !== null) {
    throw new UsageError(`--m1-from ${m1From}: no first stage of seed ${config.train.seed} with this run's M1 settings${stageOne?.refused.length ? ` (${stageOne.refused.join('; ')})` : ''}`);
  }
  return createRun(config, shape, initialTrainState());
}

interface SeedContext {
  loaded: LoadedData;
  /** Another experiment directory whose first stages a run may start from (--m1-from), or null. */
  m1From: string | null;
  engine: EngineChoice;
  log: (s: string) => void;
  /** Told which path a seed's steps take (the log says it once, and again only if it changes). */
  onEngine(path: 'native' | 'portable'): void;
  /** Aborted by Ctrl-C: stop after the current step. */
  signal: AbortSignal;
}

/** Trains (or resumes) one seed and scores its best epoch on the test set; null if stopped. */
async function runSeed(dir: string, config: RunConfig, ctx: SeedContext): Promise<SslResult | null> {
  const done = readResult(dir);
  if (done && done.epochs >= config.train.epochs) {
    checkSameRun(dir, readRunConfig(join(dir, RUN_FILES.config)), config, done.epochs);
    return done;
  }
  const opened = openRunDirectory(dir, { flag: '--out', command: 'vaekit ssl', log: ctx.log });
  try {
    return await trainSeed(dir, config, ctx);
  } finally {
    opened.close();
  }
}

/** runSeed in the run directory `dir`, which this process holds. */
async function trainSeed(dir: string, config: RunConfig, ctx: SeedContext): Promise<SslResult | null> {
  const data = prepareTrainingData(ctx.loaded, config.data, config.train.seed);
  const { run, resumed } = openSeedRun(dir, config, data.train.shape, ctx.m1From, ctx.log);
  try {
    checkNativeEngine(ctx.engine, run.model, config.model);
  } catch (e) {
    disposeRun(run);
    throw e;
  }
  const tag = `${config.model.kind} N=${(config.model as { labelled: number }).labelled} seed ${config.train.seed}`;
  saveJson(join(dir, RUN_FILES.config), config);
  let progress = null as Progress | null;
  const saveLast = () => saveCheckpoint(join(dir, RUN_FILES.last), runToCheckpoint(run));
  try {
    if (run.state.epoch < config.train.epochs) {
      if (resumed && (run.state.epoch > 0 || run.state.batch > 0)) ctx.log(`${tag}: resuming at epoch ${run.state.epoch + 1}, batch ${run.state.batch}`);
      const status = await trainRun(run, data, {
        signal: ctx.signal,
        onEpochEnd: (record, state, best) => {
          saveLast();
          if (best) saveCheckpoint(join(dir, RUN_FILES.best), runToCheckpoint(run));
          if (isTwoStageModel(run.model) && record.epoch === run.model.firstEpochs) saveCheckpoint(join(dir, STAGE_ONE), runToCheckpoint(run));
          saveJson(join(dir, RUN_FILES.history), state.history);
        },
        onProgress: (e) => {
          if (e.type === 'engine') return ctx.onEngine(e.path);
          if (e.type === 'step') {
            const s = e.info;
            progress ??= new Progress({ label: `${tag} epoch ${s.epoch}/${config.train.epochs}`, total: s.total });
            progress.update(s.done, Object.fromEntries(Object.entries(s.running).map(([k, v]) => [k === 'total' ? 'loss' : k, v])));
            return;
          }
          progress?.finish();
          progress = null;
          const { record, best } = e;
          const val = record.val ? `  val ${termsText({ ...record.val, total: 0 })}` : '';
          ctx.log(`${tag} epoch ${record.epoch}/${config.train.epochs}  train ${termsText(record.train)}${val}  ${record.seconds.toFixed(1)} s${best ? '  [best]' : ''}`);
        },
      });
      if (status === 'stopped') {
        progress?.finish();
        saveLast();
        return null;
      }
    }
  } finally {
    disposeRun(run);
  }

  const bestPath = join(dir, existsSync(join(dir, RUN_FILES.best)) ? RUN_FILES.best : RUN_FILES.last);
  const best = runFromCheckpoint(loadCheckpoint(bestPath), bestPath);
  try {
    if (!isClassifier(best.model)) throw new Error(`model kind ${best.model.kind} has no classifier q(y|x)`);
    const started = Date.now();
    const test = prepareTestData(ctx.loaded.test, config.data, 0);
    const testError = classificationError(best.model, test);
    const history = best.state.history;
    const bestEpoch = best.state.best?.epoch ?? best.state.epoch;
    const trainSeconds = JSON.parse(readFileSync(join(dir, RUN_FILES.history), 'utf8')).reduce((a: number, r: { seconds: number }) => a + r.seconds, 0) as number;
    const result: SslResult = {
      model: config.model.kind,
      labels: (config.model as { labelled: number }).labelled,
      seed: config.train.seed,
      testError,
      valError: history.find((r) => r.epoch === bestEpoch)?.val?.error ?? NaN,
      bestEpoch,
      epochs: config.train.epochs,
      seconds: trainSeconds + (Date.now() - started) / 1000,
    };
    saveJson(join(dir, RUN_FILES.result), result);
    ctx.log(`${tag}: test error ${(100 * testError).toFixed(2)}% (best epoch ${bestEpoch} of ${config.train.epochs})`);
    return result;
  } finally {
    disposeRun(best);
  }
}

export async function sslCommand(args: ParsedCommand, log: (s: string) => void): Promise<number> {
  const kind = (args.flags.model as string | undefined) ?? 'm2';
  const labelCounts = (args.flags.labels as number[] | undefined) ?? [100];
  for (const n of labelCounts) if (n % 10 !== 0) throw new UsageError(`--labels ${n}: the labels are balanced over 10 classes, so each count must be a multiple of 10`);
  const seeds = (args.flags.seeds as number | undefined) ?? 3;
  const outDir = (args.flags.out as string | undefined) ?? join('runs', 'ssl');
  const onlySeed = args.flags['only-seed'] as number | undefined;
  if (onlySeed !== undefined && onlySeed >= seeds) throw new UsageError(`--only-seed ${onlySeed}: the seeds are 0..${seeds - 1} (--seeds ${seeds})`);
  const m1From = (args.flags['m1-from'] as string | undefined) ?? null;
  if (m1From !== null && kind !== 'm1m2') throw new UsageError(`--m1-from: only M1+M2 has a first stage to share (--model m1m2), not ${kind}`);
  if (m1From !== null && !existsSync(m1From)) throw new UsageError(`--m1-from ${m1From}: no such directory (expected the --out of an earlier vaekit ssl --model m1m2)`);
  const seedList = onlySeed === undefined ? Array.from({ length: seeds }, (_, s) => s) : [onlySeed];
  const configs = labelCounts.flatMap((n) => seedList.map((s) => ({ dir: join(outDir, `${kind}-${n}`, `seed-${s}`), config: seedConfig(args, kind, n, s) })));
  const engine = (args.flags.engine as EngineChoice | undefined) ?? 'auto';
  const backend = await initBackend((args.flags.backend as BackendChoice | undefined) ?? 'auto', { engine, threads: args.flags.threads as number | undefined });
  const native = fusedLoad();
  const first = configs[0].config;
  const loaded = await loadDataset({ data: first.data.data, dataDir: first.data.dataDir ?? undefined, classes: labelClasses(first) });
  for (const { config } of configs) checkRunSize(config, loaded.train.shape);
  log(`data: ${loaded.source}; ${kind}, labels ${labelCounts.join(', ')}, ${onlySeed === undefined ? `${seeds} seed(s)` : `seed ${onlySeed} of ${seeds}`}, ${first.train.epochs} epochs each; writing to ${outDir}`);

  const stop = stopOnSigint();
  const started = Date.now();
  let engineLine = '';
  const onEngine = (path: 'native' | 'portable') => {
    const line = `engine: ${engineText(path, native, backend)}`;
    if (line !== engineLine) log((engineLine = line));
  };
  try {
    for (const { dir, config } of configs) {
      const result = await runSeed(dir, config, { loaded, m1From, engine, log, onEngine, signal: stop.signal });
      if (!result) {
        log(`stopped; run the same command again to resume`);
        return 130;
      }
    }
  } finally {
    stop.dispose();
  }
  const rows = sslRows(allResults(outDir));
  const markdown = sslMarkdown(rows);
  ensureDir(outDir);
  saveJson(join(outDir, 'ssl.json'), { command: `vaekit ssl ${args.argv.join(' ')}`, sessionSeconds: (Date.now() - started) / 1000, rows, results: allResults(outDir) });
  writeFileAtomic(join(outDir, 'ssl.md'), markdown);
  log(markdown.trimEnd());
  log(`table written to ${join(outDir, 'ssl.md')} and ${join(outDir, 'ssl.json')} (${((Date.now() - started) / 60000).toFixed(1)} min this session)`);
  return 0;
}
