/**
 * Run configs: defaults, fields, resolution of layers (defaults, a JSON file, flags), resume rules.
 *
 * @module vaekit/config
 */
export { resolveRunConfig, klWeight, learningRate, resumeConflict, TRAIN_DEFAULTS, DATA_DEFAULTS, TRAIN_FIELDS, DATA_FIELDS } from './run.js';
export type { RunConfig, TrainConfig, DataConfig, ConfigLayer } from './run.js';
export { ConfigError } from './schema.js';
export type { FieldSpec } from './schema.js';
