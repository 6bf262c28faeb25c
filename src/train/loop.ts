/**
 * The one epoch loop: counters, learning rate and KL weight, the random streams, the divergence check, step
 * records, validation and the close of each epoch. What a step does is the model's training regime, given to
 * the loop as a Stepper (src/train/strategies.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { klWeight, learningRate, stopsEarly, TrainConfig } from '../config/run.js';
import type { Estimator, Objective } from '../config/train.js';
import { BatchSource } from '../data/batches.js';
import { Dataset } from '../data/dataset.js';
import { Rng, Stream } from '../rng.js';
import { MaybePromise, readValues, then } from '../tensorReads.js';
import { EnginePath, TrainEvents } from './events.js';
import { EpochRecord, Metrics, TrainState } from './state.js';

/** A loss that became NaN or infinite; the step that produced it was not applied. */
export class DivergedError extends Error {
  override name = 'DivergedError';

  /** `detail`: what became what, and where; `hint`: what to try, for a run started afresh. */
  constructor(readonly detail: string, readonly hint: string) {
    super(`${detail} ${hint}`);
  }
}

/** Batch values of a step's named terms, `total` first. */
export interface StepTerms {
  names: string[];
  values: number[];
}

/** What one optimizer step is given besides the batch. */
export interface StepInputs {
  /** Weight of the KL term (after any warm-up). */
  beta: number;
  /** Monte Carlo samples of z per input. */
  numSamples: number;
  /** The step's eps stream. */
  rng: Rng;
  /** Which bound the step's `total` negates. Default 'elbo'. */
  objective?: Objective;
  /** How the IWAE bound's gradient is estimated. Default 'standard'. */
  estimator?: Estimator;
}

/**
 * A training regime over one stretch of epochs, as the loop drives it: on each batch of `source`, the
 * optimizer steps in order, each computed (`gradients`), then applied or, when a term is not finite, discarded.
 */
export interface Stepper<B> {
  /** Where the steps run, for the engine line. */
  readonly path: EnginePath;
  readonly source: BatchSource<B>;
  /** Optimizer steps per batch; each is computed after the one before it is applied. */
  readonly stepsPerBatch: number;
  /** Whether the steps weigh a KL term by the schedule's beta; those that do not are recorded at beta 1. */
  readonly weighsKl: boolean;
  /** What to try when a step diverges, for a run started afresh. */
  readonly hint: string;
  setLearningRate(lr: number): void;
  /**
   * Step `i` of a batch: its terms, its gradient held until apply or discard. The terms come as a promise where
   * the backend is read asynchronously (src/tensorReads.ts), once the step's work is queued.
   */
  gradients(batch: B, i: number, inputs: StepInputs): MaybePromise<StepTerms>;
  apply(i: number): void;
  discard(i: number): void;
  /** The terms the batch records, from those of its steps. */
  record(steps: StepTerms[]): StepTerms;
  /**
   * Writes back what a hand-fused engine holds (parameters, moments) to the model and optimizer: at the end of
   * each epoch, before validation and the epoch's checkpoints, with or without a validation set.
   */
  sync?(): void;
  /** Validation figures on `val` of the model as the epoch left it; a promise where reads are asynchronous. */
  validate(val: Dataset): MaybePromise<Metrics>;
  /** What picks the best epoch (lower is better). */
  score(record: EpochRecord): number;
  /** Writes back what the engine holds (parameters, moments) and frees it; called however training ended. */
  close(): void;
}

export function runningMeans(sums: Metrics, count: number): Metrics {
  const out: Metrics = {};
  for (const [k, v] of Object.entries(sums)) out[k] = v / Math.max(count, 1);
  return out;
}

/** Lets timers, signals and the browser's event loop run; training is otherwise synchronous. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** The error for a step whose loss terms are not all finite (the step is then not applied), or null. */
export function divergence({ names, values }: StepTerms, state: TrainState, hint: string): DivergedError | null {
  const bad = names.find((_, i) => !Number.isFinite(values[i]));
  if (bad === undefined) return null;
  return new DivergedError(`loss term "${bad}" became ${values[names.indexOf(bad)]} at epoch ${state.epoch + 1}, batch ${state.batch + 1} (step ${state.step + 1}); the step was not applied.`, hint);
}

/**
 * The batch values of the scalar terms of `loss` (`total` first) and, by tfjs autodiff, the gradient of `total`
 * with respect to `vars`; the caller disposes the gradients. The values are read after the gradient is queued,
 * at once on a CPU backend and as a promise on a GPU one.
 */
export function termsAndGradients(vars: tf.Variable[], loss: () => { total: tf.Scalar } & Record<string, tf.Scalar>): { terms: MaybePromise<StepTerms>; grads: tf.NamedTensorMap } {
  let names: string[] = [];
  let stacked: tf.Tensor | null = null;
  const { value, grads } = tf.variableGrads(() => {
    const terms = loss();
    names = Object.keys(terms);
    stacked = tf.keep(tf.stack(names.map((k) => terms[k])));
    return terms.total;
  }, vars);
  value.dispose();
  return { terms: then(readValues(stacked as unknown as tf.Tensor), (values) => ({ names, values: Array.from(values) })), grads };
}

/**
 * Counts a step's time into the epoch (not the time spent yielded), tells onStep, yields to the event loop
 * every 100 ms, and says whether shouldStop asks to stop.
 */
class StepClock {
  private stepStart = Date.now();
  private lastYield = Date.now();

  /** At the start of an epoch's steps: the time before (validation, checkpoints) is not a step's. */
  startEpoch(): void {
    this.stepStart = Date.now();
  }

  async afterStep(state: TrainState, events: TrainEvents, at: { batches: number; done: number; total: number; beta: number }): Promise<boolean> {
    const now = Date.now();
    state.partial.seconds += (now - this.stepStart) / 1000;
    this.stepStart = now;
    events.onStep?.({ epoch: state.epoch + 1, batch: state.batch, step: state.step, running: runningMeans(state.partial.sums, state.partial.count), ...at });
    if (now - this.lastYield > 100) {
      await yieldToEventLoop();
      this.lastYield = Date.now();
      this.stepStart = this.lastYield;
    }
    return events.shouldStop?.() === true;
  }
}

/** Adds a step's values (batch means over `rows` examples) to the epoch's running sums and moves the counters. */
function recordStep(state: TrainState, { names, values }: StepTerms, rows: number): void {
  state.step += 1;
  state.batch += 1;
  const sums = state.partial.sums;
  names.forEach((k, i) => (sums[k] = (sums[k] ?? 0) + values[i] * rows));
  state.partial.count += rows;
}

/**
 * Closes an epoch with its record: the best epoch by `score` (lower is better), the counters (the run stands
 * at `nextEpoch`, one past the record's unless a fit says otherwise), and the onEpochEnd event.
 */
export async function closeEpoch(state: TrainState, record: EpochRecord, score: number, events: TrainEvents): Promise<void> {
  state.history.push(record);
  if (state.best === null || score < state.best.total) state.best = { epoch: record.epoch, total: score };
  state.epoch = record.epoch;
  state.batch = 0;
  state.partial = { sums: {}, count: 0, seconds: 0 };
  await events.onEpochEnd?.(record, state);
}

/** What the loop runs a stretch of epochs with. */
export interface LoopOptions {
  /** Epochs, batch size, rates and their schedule, KL weight and warm-up, samples, seed. */
  train: TrainConfig;
  /** Images validated after each epoch. */
  val?: Dataset;
  events?: TrainEvents;
}

/**
 * Trains until `train.epochs` epochs are done, from wherever `state` stands. Every random draw is addressed by
 * (seed, stream, epoch, batch, step): the batch source's shuffles and binarization by epoch and batch, eps by
 * step (a batch of one step from (seed, eps, t), of several, step i from (seed, eps, t, i)), so a run resumed
 * from any step draws exactly what it would have drawn. Early stopping (train.patience) ends it as 'finished'
 * before `train.epochs`; 'stopped' if `shouldStop` ended it.
 */
export async function runEpochs<B>(stepper: Stepper<B>, state: TrainState, opts: LoopOptions): Promise<'finished' | 'stopped'> {
  const { train, val, events = {} } = opts;
  const { seed, epochs } = train;
  const { batches, passSize } = stepper.source;
  const clock = new StepClock();
  while (state.epoch < epochs && !stopsEarly(train, state)) {
    const lr = learningRate(train, state.epoch + 1);
    stepper.setLearningRate(lr);
    clock.startEpoch();
    while (state.batch < batches) {
      const { batch, rows, done } = await stepper.source.batch(state.epoch, state.batch);
      const beta = stepper.weighsKl ? klWeight(train, state.epoch + (state.batch + 1) / batches) : 1;
      const steps: StepTerms[] = [];
      for (let i = 0; i < stepper.stepsPerBatch; i++) {
        const rng = stepper.stepsPerBatch === 1 ? new Rng(seed, Stream.eps, state.step) : new Rng(seed, Stream.eps, state.step, i);
        const pending = stepper.gradients(batch, i, { beta, numSamples: train.numSamples, rng, objective: train.objective, estimator: train.estimator });
        // Awaited only where it is a promise: a CPU backend's step stays synchronous.
        const terms = pending instanceof Promise ? await pending : pending;
        const diverged = divergence(terms, state, stepper.hint);
        if (diverged) {
          stepper.discard(i);
          throw diverged;
        }
        stepper.apply(i);
        steps.push(terms);
      }
      recordStep(state, stepper.record(steps), rows);
      if (await clock.afterStep(state, events, { batches, done, total: passSize, beta })) return 'stopped';
    }

    const validationStart = Date.now();
    stepper.sync?.();
    const validated = val ? stepper.validate(val) : undefined;
    const record: EpochRecord = {
      epoch: state.epoch + 1,
      beta: stepper.weighsKl ? klWeight(train, state.epoch + 1) : 1,
      lr,
      train: runningMeans(state.partial.sums, state.partial.count),
      val: validated instanceof Promise ? await validated : validated,
      seconds: 0,
    };
    record.seconds = state.partial.seconds + (Date.now() - validationStart) / 1000;
    await closeEpoch(state, record, stepper.score(record), events);
    if (events.shouldStop?.() && state.epoch < epochs) return 'stopped';
  }
  return 'finished';
}
