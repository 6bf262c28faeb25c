import { RunConfig, resolveRunConfig } from '../config/run.js';
import { createModel } from '../models/create.js';
import { isMultiStepModel, Model } from '../models/types.js';
import { Adam } from '../train/adam.js';
import { StepOptimizers } from '../train/stepOptimizers.js';
import { thinHistory, TrainState } from '../train/state.js';
import { CheckpointData } from './checkpoint.js';

/** The JSON part of a training checkpoint. */
export interface RunMeta {
  kind: 'vaekit-run';
  config: RunConfig;
  /** Image shape [height, width, channels] the model was built for. */
  inputShape: [number, number, number];
  state: TrainState;
  optimizerStep: number;
  savedAt: string;
  /** True when the file holds the parameters only (no optimizer moments): a small file to ship and view; training it again starts Adam afresh. */
  weightsOnly?: boolean;
}

/** A model with everything needed to go on training it. */
export interface Run {
  config: RunConfig;
  inputShape: [number, number, number];
  model: Model;
  optimizer: Adam;
  state: TrainState;
}

const PARAM = 'param/';

/** Builds a fresh model and optimizer from a resolved config. */
export function createRun(config: RunConfig, inputShape: [number, number, number], state: TrainState): Run {
  const model = createModel(config.model, inputShape[0] * inputShape[1] * inputShape[2], config.train.seed, inputShape);
  const options = { lr: config.train.lr, beta2: config.train.adamBeta2, epsilon: config.train.adamEpsilon };
  // A model trained by several steps gets one Adam per step, bundled where the single Adam goes.
  const optimizer = isMultiStepModel(model) ? new StepOptimizers(model.params, model.trainingSteps, options) : new Adam(model.params, options);
  return { config, inputShape, model, optimizer, state };
}

/**
 * Everything of a run, as checkpoint data: parameters, Adam moments, config and state. With `weightsOnly`, the
 * moments are left out (a third of the size) and the history is thinned to some 100 epochs, e.g. for the browser
 * app's bundled demo model and the zoo.
 */
export function runToCheckpoint(run: Run, opts: { weightsOnly?: boolean } = {}): CheckpointData {
  const weightsOnly = opts.weightsOnly === true;
  const tensors = new Map<string, Float32Array>();
  for (const [name, values] of run.model.params.snapshot()) tensors.set(PARAM + name, values);
  if (!weightsOnly) for (const [name, values] of run.optimizer.stateTensors()) tensors.set(name, values);
  const meta: RunMeta = {
    kind: 'vaekit-run',
    config: run.config,
    inputShape: run.inputShape,
    state: weightsOnly ? { ...run.state, history: thinHistory(run.state.history, run.state.best) } : run.state,
    optimizerStep: weightsOnly ? 0 : run.optimizer.step,
    savedAt: new Date().toISOString(),
    ...(weightsOnly ? { weightsOnly } : {}),
  };
  return { meta: meta as unknown as Record<string, unknown>, tensors };
}

/** Checks a checkpoint's JSON part and re-resolves its config, so an edited or foreign file fails clearly. */
export function readRunMeta(data: CheckpointData, source: string): RunMeta {
  const meta = data.meta as Partial<RunMeta>;
  if (meta.kind !== 'vaekit-run') throw new Error(`${source}: not a vaekit training checkpoint (meta.kind is ${JSON.stringify(meta.kind)})`);
  const shape = meta.inputShape;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`${source}: meta.inputShape must be [height, width, channels], got ${JSON.stringify(shape)}`);
  }
  checkPosition(meta, source);
  const config = resolveRunConfig([{ source, values: (meta.config ?? {}) as Record<string, Record<string, unknown>> }]);
  return { ...(meta as RunMeta), config };
}

/** Far beyond any run: a corrupt epoch count must not send a loop over the trained epochs on forever. */
const MAX_EPOCHS = 1_000_000;

function isWhole(value: unknown, max = Number.MAX_SAFE_INTEGER): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= max;
}

/**
 * Checks the position fields: whole numbers within bounds, and a history of increasing epochs that ends at the
 * epochs finished (a fitted kind records its one pass as the last epoch, so the history may skip epochs).
 */
function checkPosition(meta: Partial<RunMeta>, source: string): void {
  const fail = (message: string): never => {
    throw new Error(`${source}: ${message}`);
  };
  const state = meta.state as unknown as Record<string, unknown> | undefined;
  if (typeof state !== 'object' || state === null) return fail('meta.state is missing or malformed');
  const { epoch, batch, step, history, best } = state;
  if (!isWhole(epoch, MAX_EPOCHS)) return fail(`meta.state.epoch must be a whole number from 0 to ${MAX_EPOCHS}, got ${JSON.stringify(epoch)}`);
  if (!isWhole(batch)) fail(`meta.state.batch must be a whole number, got ${JSON.stringify(batch)}`);
  if (!isWhole(step)) fail(`meta.state.step must be a whole number, got ${JSON.stringify(step)}`);
  if (!isWhole(meta.optimizerStep)) fail(`meta.optimizerStep must be a whole number, got ${JSON.stringify(meta.optimizerStep)}`);
  if (typeof state.partial !== 'object' || state.partial === null) fail('meta.state.partial is missing or malformed');
  if (!Array.isArray(history)) return fail('meta.state.history must be a list of epoch records');
  let previous = 0;
  for (const [i, r] of history.entries()) {
    const e = (r as { epoch?: unknown } | null)?.epoch;
    if (!isWhole(e, MAX_EPOCHS) || e <= previous) fail(`meta.state.history: record ${i + 1} is epoch ${JSON.stringify(e)}, after epoch ${previous}`);
    previous = e as number;
  }
  if (history.length === 0 && epoch !== 0) fail(`meta.state.history is empty, but meta.state.epoch is ${epoch}`);
  if (history.length > 0 && previous !== epoch) fail(`meta.state.history ends at epoch ${previous}, but meta.state.epoch is ${epoch}`);
  if (best !== null && best !== undefined) {
    const e = (best as { epoch?: unknown }).epoch;
    if (!isWhole(e) || e < 1 || e > epoch) fail(`meta.state.best.epoch must be one of the finished epochs 1 to ${epoch}, got ${JSON.stringify(e)}`);
  }
}

/** Restores a run from checkpoint data: same weights, same optimizer moments, same position. */
export function runFromCheckpoint(data: CheckpointData, source: string): Run {
  const meta = readRunMeta(data, source);
  const run = createRun(meta.config, meta.inputShape, meta.state);
  const params = new Map<string, Float32Array>();
  for (const [name, values] of data.tensors) if (name.startsWith(PARAM)) params.set(name.slice(PARAM.length), values);
  try {
    run.model.params.load(params, source);
    if (meta.weightsOnly !== true) run.optimizer.loadState(meta.optimizerStep, data.tensors, source);
  } catch (e) {
    disposeRun(run);
    throw e;
  }
  return run;
}

/** Frees a run's tensors. */
export function disposeRun(run: { model: Model; optimizer: Adam }): void {
  run.model.dispose();
  run.optimizer.dispose();
}
