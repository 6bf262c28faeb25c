/** Per-epoch figures: the mean of each loss term per example (nats). */
export type Metrics = Record<string, number>;

/** One finished epoch. */
export interface EpochRecord {
  /** 1-based epoch number. */
  epoch: number;
  /** KL weight at the end of the epoch. */
  beta: number;
  /** Adam's learning rate over the epoch (absent in runs saved before the schedule was recorded). */
  lr?: number;
  train: Metrics;
  val?: Metrics;
  /** Wall time of the epoch's training steps and validation. */
  seconds: number;
}

/** Where a run stands: enough to resume it exactly. */
export interface TrainState {
  /** Epochs completed. */
  epoch: number;
  /** Batches completed in the current (unfinished) epoch. */
  batch: number;
  /** Optimizer steps taken. */
  step: number;
  /** Running sums of the current epoch: per-term sums over examples, and the example count. */
  partial: { sums: Metrics; count: number; seconds: number };
  history: EpochRecord[];
  /** The epoch with the lowest validation total so far (or training total when there is no validation set). */
  best: { epoch: number; total: number } | null;
}

export function initialTrainState(): TrainState {
  return { epoch: 0, batch: 0, step: 0, partial: { sums: {}, count: 0, seconds: 0 }, history: [], best: null };
}

/** Epochs that have taken a step: the finished ones, and the current one once a batch of it is done. */
export function epochsTrained(state: TrainState): number {
  return state.epoch + (state.batch > 0 ? 1 : 0);
}

/**
 * At most about `limit` records of a history, evenly spaced, always with the first, the last, the best epoch and
 * each epoch whose learning rate differs from the epoch before: enough for a shipped model's curves and report,
 * where thousands of epochs would outweigh its weights. The records kept are unchanged.
 */
export function thinHistory(history: readonly EpochRecord[], best: TrainState['best'], limit = 100): EpochRecord[] {
  if (history.length <= limit) return [...history];
  const stride = Math.ceil(history.length / limit);
  return history.filter(
    (r, i) => i % stride === 0 || i === history.length - 1 || r.epoch === best?.epoch || (i > 0 && r.lr !== history[i - 1].lr),
  );
}
