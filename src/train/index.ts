/**
 * Training: the one epoch loop, the step strategies the kinds declare, Adam, the training state; the run
 * session's policy (trainRun, checkpointsToWrite).
 *
 * @module vaekit/train
 */
export { trainModel, offersFusedEngine, STRATEGIES } from './train.js';
export type { TrainOptions, TrainData, TrainStatus } from './train.js';
export type { StepStrategy, TrainContext } from './strategy.js';
export { runEpochs, DivergedError } from './loop.js';
export type { Stepper, StepTerms, StepInputs } from './loop.js';
export { Adam } from './adam.js';
export type { TrainEvents, StepInfo, EnginePath } from './events.js';
export { initialTrainState } from './state.js';
export type { TrainState, EpochRecord, Metrics } from './state.js';
export { StepOptimizers } from './stepOptimizers.js';
export { trainRun, checkpointsToWrite, isBestEpoch, countsEpochs } from '../io/runSession.js';
export type { TrainProgress, TrainRunOptions } from '../io/runSession.js';
