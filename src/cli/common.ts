import { DATA_DEFAULTS, DATA_FIELDS, TRAIN_DEFAULTS, TRAIN_FIELDS } from '../config/run.js';
import { readFileSync } from 'node:fs';
import { KERNEL_DECODERS } from '../models/likelihood.js';
import { isModelKind, MODEL_KINDS, ModelConfig, modelKindSpec } from '../models/registry.js';
import { Model } from '../models/types.js';
import { BACKENDS } from '../node/backend.js';
import { describeKernels, EngineChoice, ENGINES, NativeLoad } from '../node/native.js';
import { hasNativePath } from '../train/engine.js';
import { CommandFlag, FieldGroup, UsageError } from './flags.js';

export const BACKEND_FLAG: CommandFlag = {
  flag: 'backend',
  help: 'numeric engine: auto takes @tensorflow/tfjs-node if installed, else wasm',
  type: { type: 'enum', choices: BACKENDS },
  defaultText: 'auto',
};

/** The --model flag: which kind of model; its own flags follow from it. */
export const MODEL_FLAG: CommandFlag = {
  flag: 'model',
  help: `model kind: ${Object.values(MODEL_KINDS).map((s) => `${s.kind} (${s.description.split(':')[0]})`).join(', ')}; see --model <kind> --help for its flags`,
  type: { type: 'enum', choices: Object.keys(MODEL_KINDS) },
  defaultText: 'vae',
};

/**
 * The model kind a command line asks for, read before parsing since the kind decides which flags exist:
 * --model, else the "model.kind" of a --config file, else vae. Anything unreadable is left to the parser.
 */
export function modelKindOf(argv: string[]): string {
  let configPath: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    const value = inline ?? argv[i + 1];
    if (flag === '--model' && isModelKind(value)) return value;
    if (flag === '--config') configPath = value;
  }
  if (configPath) {
    try {
      const kind = (JSON.parse(readFileSync(configPath, 'utf8')) as { model?: { kind?: unknown } }).model?.kind;
      if (isModelKind(kind)) return kind;
    } catch {
      // reported by the command when it reads the file
    }
  }
  return 'vae';
}

export const ENGINE_FLAG: CommandFlag = {
  flag: 'engine',
  help: 'how MLP VAEs (and MLP M2, M1+M2) train and are scored: native kernels (OpenBLAS, all cores; built at npm install where g++ and libopenblas0-openmp exist; training a model they cannot run, e.g. --net conv, is refused), portable (tfjs, the same numbers to float rounding), or auto: native where it loaded and the model allows',
  type: { type: 'enum', choices: ENGINES },
  defaultText: 'auto',
};

/** Which path a command's work took, and why, for its log. */
export function engineText(path: 'native' | 'portable', native: NativeLoad, backend: string): string {
  if (path === 'native') return describeKernels(native);
  if (native.kernels) return `portable (tfjs ${backend}): the native kernels run only the MLP networks of vae, m2 and m1m2`;
  return `portable (tfjs ${backend}); native kernels unavailable: ${native.reason}`;
}

/** The model kind as its flags would name it, for the two refusals below: `m2 with --net conv`. */
function modelText(config: ModelConfig): string {
  if ('net' in config && config.net === 'conv') return `${config.kind} with --net conv`;
  return config.kind === 'vae' ? `vae with --decoder ${config.decoder}` : config.kind;
}

/**
 * `--engine native` insists on the native kernels: training a model they cannot run (conv networks, a kind or
 * decoder without a fast path) is refused, rather than quietly taken by tfjs as `auto` does.
 */
export function checkNativeEngine(choice: EngineChoice, model: Model, config: ModelConfig): void {
  if (choice !== 'native' || hasNativePath(model)) return;
  throw new UsageError(`--engine native: the native kernels train only the MLP networks of vae (decoders ${KERNEL_DECODERS.join(', ')}), m2 and m1m2, not --model ${modelText(config)}; use --engine portable (or auto, which picks the portable engine for it)`);
}

/**
 * `vaekit eval --engine native` likewise: the kernels score only the MLP VAE (m2 and m1m2 train on them but are
 * scored through tfjs), so any other model is refused rather than quietly scored on tfjs.
 */
export function checkNativeScoring(choice: EngineChoice, model: Model, config: ModelConfig): void {
  if (choice !== 'native' || typeof model.mlpVaePlan === 'function') return;
  throw new UsageError(`--engine native: the native kernels score only the MLP networks of vae (decoders ${KERNEL_DECODERS.join(', ')}), not this ${modelText(config)} checkpoint; use --engine portable (or auto)`);
}

/** The config groups shown by `vaekit train --help`: the model group is the kind's own. */
export function configGroups(kind = 'vae'): FieldGroup[] {
  const spec = modelKindSpec(kind);
  return [
    { title: `Model (${kind})`, section: 'model', fields: spec.fields, defaults: spec.defaults },
    { title: 'Training', section: 'train', fields: TRAIN_FIELDS, defaults: TRAIN_DEFAULTS },
    { title: 'Data', section: 'data', fields: DATA_FIELDS, defaults: DATA_DEFAULTS },
  ];
}

/** Formats nats with two decimals. */
export function nats(v: number | undefined): string {
  return v === undefined ? '-' : v.toFixed(2);
}

/** "recon 80.12, kl 25.01" from named metrics, total first and left out. */
export function termsText(m: Record<string, number>): string {
  return Object.entries(m)
    .filter(([k]) => k !== 'total')
    // A classification error is a rate: shown in percent, to the hundredth (val error 7.12%).
    .map(([k, v]) => (k === 'error' ? `${k} ${(100 * v).toFixed(2)}%` : `${k} ${nats(v)}`))
    .join(', ');
}
