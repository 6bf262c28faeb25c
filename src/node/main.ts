/**
 * vaekit for Node: the short API of `vaekit` (src/index.ts) with training, loading and scoring of run
 * directories on the fastest engine available.
 *
 * @example
 * import { fit, loadRun, evaluate } from 'vaekit';
 * const run = await fit({ model: { kind: 'vae', latentDim: 2 }, train: { epochs: 5 } }, { out: 'runs/z2' });
 * const figures = await evaluate(run, { k: 5000 });
 *
 * @module vaekit
 */
export * from '../index.js';
export { fit, loadRun, defaultRunDirectory } from './fit.js';
export type { FitOptions } from './fit.js';
export { evaluate } from './evaluate.js';
export type { EvaluateOptions, EvaluateProgress } from './evaluate.js';
export { RunDivergedError } from './runSession.js';
export type { SessionProgress, DataSummary } from './runSession.js';
export type { EngineOptions } from './engine.js';
export type { BackendChoice } from './backendChoice.js';
export type { EngineChoice } from './native.js';
