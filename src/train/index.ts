/**
 * Training: the trainers, Adam, the training state; the run session's policy (trainRun, checkpointsToWrite).
 *
 * @module vaekit/train
 */
export { trainModel, TRAINERS } from './byKind.js';
export { fit } from './fit.js';
export { Adam } from './adam.js';
export { train, DivergedError } from './trainer.js';
export type { TrainEvents, TrainData, StepInfo } from './trainer.js';
export { initialTrainState } from './state.js';
export type { TrainState, EpochRecord, Metrics } from './state.js';
export { trainSteps } from './multiStep.js';
export { StepOptimizers } from './stepOptimizers.js';
export { trainSemiSupervised } from './semiSupervised.js';
export { trainTwoStage } from './twoStage.js';
export { trainLabelled } from './labelledTrainer.js';
export { trainRun, checkpointsToWrite, isBestEpoch, countsEpochs } from '../io/runSession.js';
export type { TrainProgress, TrainRunOptions } from '../io/runSession.js';
