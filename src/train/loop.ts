/** Pieces shared by the trainers: running means, yielding, recording a step, closing an epoch, one tfjs step. */
import * as tf from '@tensorflow/tfjs';
import { klWeight, learningRate, TrainConfig } from '../config/run.js';
import { Adam } from './adam.js';
import { EpochRecord, Metrics, TrainState } from './state.js';
import type { TrainEvents } from './events.js';

/** A loss that became NaN or infinite; the step that produced it was not applied. */
export class DivergedError extends Error {
  override name = 'DivergedError';

  /** `detail`: what became what, and where; `hint`: what to try, for a run started afresh. */
  constructor(readonly detail: string, readonly hint: string) {
    super(`${detail} ${hint}`);
  }
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
export function divergence(names: string[], values: number[], state: TrainState, hint = 'Try a lower --lr.'): DivergedError | null {
  const bad = names.find((_, i) => !Number.isFinite(values[i]));
  if (bad === undefined) return null;
  return new DivergedError(`loss term "${bad}" became ${values[names.indexOf(bad)]} at epoch ${state.epoch + 1}, batch ${state.batch + 1} (step ${state.step + 1}); the step was not applied.`, hint);
}

/**
 * The batch values of the scalar terms of `loss` (`total` first) and, by tfjs autodiff, the gradient of `total`
 * with respect to `vars`; the caller disposes the gradients.
 */
export function termsAndGradients(vars: tf.Variable[], loss: () => { total: tf.Scalar } & Record<string, tf.Scalar>): { names: string[]; values: number[]; grads: tf.NamedTensorMap } {
  let names: string[] = [];
  let stacked: tf.Tensor | null = null;
  const { value, grads } = tf.variableGrads(() => {
    const terms = loss();
    names = Object.keys(terms);
    stacked = tf.keep(tf.stack(names.map((k) => terms[k])));
    return terms.total;
  }, vars);
  const values = Array.from((stacked as unknown as tf.Tensor).dataSync());
  tf.dispose([value, stacked as unknown as tf.Tensor]);
  return { names, values, grads };
}

/**
 * One Adam step on the scalar `total` of `loss` over `vars`; returns the batch values of every term. A term
 * that is not finite throws a DivergedError naming it, and the step is not applied.
 */
export function gradientStep(vars: tf.Variable[], optimizer: Adam, loss: () => { total: tf.Scalar } & Record<string, tf.Scalar>, state: TrainState): { names: string[]; values: number[] } {
  const { names, values, grads } = termsAndGradients(vars, loss);
  const diverged = divergence(names, values, state);
  if (diverged) {
    tf.dispose(grads);
    throw diverged;
  }
  optimizer.apply(grads);
  tf.dispose(grads);
  return { names, values };
}

/** Where a step leaves its epoch, for the onStep event. */
export interface StepPosition {
  batches: number;
  /** Examples of the epoch's pass done, of `total`. */
  done: number;
  total: number;
  beta: number;
}

/**
 * What every trainer does after a step: counts the step's time into the epoch (not the time spent yielded),
 * tells onStep, yields to the event loop every 100 ms, and says whether shouldStop asks to stop.
 */
export class StepClock {
  private stepStart = Date.now();
  private lastYield = Date.now();

  /** At the start of an epoch's steps: the time before (validation, checkpoints) is not a step's. */
  startEpoch(): void {
    this.stepStart = Date.now();
  }

  async afterStep(state: TrainState, events: TrainEvents, at: StepPosition): Promise<boolean> {
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
export function recordStep(state: TrainState, names: string[], values: number[], rows: number): void {
  state.step += 1;
  state.batch += 1;
  const sums = state.partial.sums;
  names.forEach((k, i) => (sums[k] = (sums[k] ?? 0) + values[i] * rows));
  state.partial.count += rows;
}

/**
 * Closes an epoch: its record (with validation figures `val`), the best epoch by `score` (lower is better),
 * the counters, and the onEpochEnd event.
 */
export async function closeEpoch(state: TrainState, train: TrainConfig, val: Metrics | undefined, score: (r: EpochRecord) => number, validationSeconds: number, events: TrainEvents): Promise<void> {
  const record: EpochRecord = {
    epoch: state.epoch + 1,
    beta: klWeight(train, state.epoch + 1),
    lr: learningRate(train, state.epoch + 1),
    train: runningMeans(state.partial.sums, state.partial.count),
    val,
    seconds: state.partial.seconds + validationSeconds,
  };
  state.history.push(record);
  const s = score(record);
  if (state.best === null || s < state.best.total) state.best = { epoch: record.epoch, total: s };
  state.epoch += 1;
  state.batch = 0;
  state.partial = { sums: {}, count: 0, seconds: 0 };
  await events.onEpochEnd?.(record, state);
}
