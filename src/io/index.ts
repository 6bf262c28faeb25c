/**
 * Checkpoints (atomic, CRC-checked), runs as checkpoint data, codes files, and the TrainedRun handle.
 *
 * @module vaekit/io
 */
export { encodeCheckpoint, decodeCheckpoint } from './checkpoint.js';
export type { CheckpointData } from './checkpoint.js';
export { createRun, runToCheckpoint, runFromCheckpoint, disposeRun } from './run.js';
export { encodeCodes, decodeCodes } from './codes.js';
export type { LabelledCodes } from './codes.js';
export type { Run, RunMeta } from './run.js';
export { TrainedRun, openRun } from './trainedRun.js';
export type { ImagesInput } from './trainedRun.js';
export { RunOptionError } from './runOptionError.js';
export { checkZooManifest, figureAt, zooFigureText } from './zooManifest.js';
export type { ZooManifest, ZooEntry, ZooFigure, ZooCheck } from './zooManifest.js';
