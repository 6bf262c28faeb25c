/**
 * The policy of a training run, apart from where it is kept: one call that trains a run with the trainer its
 * kind declares, stops on an AbortSignal between steps, and reports progress as events; which checkpoints an
 * epoch end writes. Browser-safe: the Node session (src/node/runSession.ts) adds the run directory, the web app
 * keeps the run in memory.
 */
import { modelKindSpec, usesTrainSetting } from '../models/registry.js';
import type { StepInfo } from '../train/events.js';
import { trainModel, TrainData } from '../train/train.js';
import type { EpochRecord, TrainState } from '../train/state.js';
import type { Run } from './run.js';

export { RunOptionError } from './runOptionError.js';

/** What a run reports as it trains. */
export type TrainProgress =
  /** Which path the steps take: the native kernels or the tfjs backend (said again when a stage changes it). */
  | { type: 'engine'; path: 'native' | 'portable' }
  /** After each optimizer step: position and the running means of the epoch's loss terms. */
  | { type: 'step'; info: StepInfo }
  /** After each epoch (validated, its checkpoints written): `best` when it is the best epoch so far. */
  | { type: 'epoch'; record: EpochRecord; state: TrainState; best: boolean };

/** How `trainRun` trains, beyond the run's config. */
export interface TrainRunOptions {
  /** Aborting it ends training after the current step, leaving the run resumable. */
  signal?: AbortSignal;
  /** Told of steps, epochs and the engine. */
  onProgress?(event: TrainProgress): void;
  /** At each epoch end, before its progress event: where a session writes its checkpoints. */
  onEpochEnd?(record: EpochRecord, state: TrainState, best: boolean): void | Promise<void>;
}

/** Whether `record` is the best epoch so far: the one a best checkpoint holds. */
export function isBestEpoch(record: EpochRecord, state: TrainState): boolean {
  return state.best?.epoch === record.epoch;
}

/** Whether the run's kind trains for epochs (a fit, like PCA, makes one pass and has none to count). */
export function countsEpochs(kind: string): boolean {
  return usesTrainSetting(modelKindSpec(kind), 'epochs');
}

/** The checkpoints an epoch end writes: always the last; the best when this epoch is the best so far. */
export function checkpointsToWrite(record: EpochRecord, state: TrainState): { last: true; best: boolean } {
  return { last: true, best: isBestEpoch(record, state) };
}

/**
 * Trains `run` in place from its state to `run.config.train.epochs` with the trainer its kind declares.
 * Returns 'stopped' when the signal ended it (the run can go on from where it is), else 'finished'.
 * Every run the library trains goes through here. Steps run on the hand-fused kernels where start-up chose
 * them (src/fastpath/fused.ts) and the model offers a plan, else on the tfjs backend.
 */
export function trainRun(run: Run, data: TrainData, opts: TrainRunOptions = {}): Promise<'finished' | 'stopped'> {
  const { signal, onProgress } = opts;
  return trainModel(run, data, {
    train: run.config.train,
    binarize: run.config.data.binarize === 'dynamic',
    events: {
      onStep: (info) => onProgress?.({ type: 'step', info }),
      onEpochEnd: async (record, state) => {
        const best = isBestEpoch(record, state);
        await opts.onEpochEnd?.(record, state, best);
        onProgress?.({ type: 'epoch', record, state, best });
      },
      shouldStop: () => signal?.aborted === true,
    },
    onEngine: (path) => onProgress?.({ type: 'engine', path }),
  });
}
