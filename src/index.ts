/**
 * vaekit: variational autoencoders and their family in TypeScript.
 *
 * The short API. In Node, `import { fit, loadRun, evaluate } from 'vaekit'` trains a run into a directory,
 * opens a trained one and scores it (src/node/main.ts); everywhere, a trained run is a {@link TrainedRun}:
 * `encode`, `decode`, `sample`. The building blocks are under subpaths: `vaekit/prob`, `vaekit/nn`,
 * `vaekit/models`, `vaekit/data`, `vaekit/train`, `vaekit/eval`, `vaekit/views`, `vaekit/config`, `vaekit/io`,
 * and `vaekit/node` for Node's files, data sets and engine.
 *
 * @packageDocumentation
 */
export { TrainedRun, openRun } from './io/trainedRun.js';
export type { ImagesInput } from './io/trainedRun.js';
export { RunOptionError } from './io/runOptionError.js';
export { ConfigError } from './config/schema.js';
export type { FitConfig } from './config/fitConfig.js';
export type { RunConfig, TrainConfig, DataConfig } from './config/run.js';
export type { ModelConfig, ModelKind } from './models/registry.js';
export type { TrainState, EpochRecord, Metrics } from './train/state.js';
export type { StepInfo } from './train/events.js';
export type { TrainProgress } from './io/runSession.js';
export type { Evaluation } from './eval/figures.js';
