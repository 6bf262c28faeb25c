/** What training reports as it goes: the events every trainer and the epoch loop share. */
import { EpochRecord, Metrics, TrainState } from './state.js';

/** What the trainer reports as it goes. */
export interface StepInfo {
  epoch: number;
  batch: number;
  batches: number;
  step: number;
  /** Examples done in this epoch. */
  done: number;
  /** Examples in the epoch. */
  total: number;
  /** Running means of the epoch's loss terms. */
  running: Metrics;
  beta: number;
}

export interface TrainEvents {
  onStep?(info: StepInfo): void;
  /** After each epoch (with validation), e.g. to write a checkpoint. */
  onEpochEnd?(record: EpochRecord, state: TrainState): void | Promise<void>;
  /** Polled between steps; true ends training after the current step, leaving the state resumable. */
  shouldStop?(): boolean;
}
