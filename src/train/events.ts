import { EpochRecord, Metrics, TrainState } from './state.js';

/** Where training stands after a step, for progress displays. */
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

/** What training reports as it goes, and how it is stopped. */
export interface TrainEvents {
  onStep?(info: StepInfo): void;
  /** After each epoch (with validation), e.g. to write a checkpoint. */
  onEpochEnd?(record: EpochRecord, state: TrainState): void | Promise<void>;
  /** Polled between steps; true ends training after the current step, leaving the state resumable. */
  shouldStop?(): boolean;
}

/** Where a model's steps run: on the hand-fused kernels ('native') or on the tfjs backend ('portable'). */
export type EnginePath = 'native' | 'portable';
