import { ConfigLayer, DATA_DEFAULTS, DATA_FIELDS, IMAGE_FOLDER_DEFAULTS, TRAIN_DEFAULTS, TRAIN_FIELDS, UnusedSetting } from '../config/run.js';
import { parseConfigText } from '../config/text.js';
import { applicableEntries } from '../config/schema.js';
import { KERNEL_DECODERS } from '../models/likelihood.js';
import { MODEL_KINDS, ModelConfig, modelKindSpec } from '../models/registry.js';
import { Model } from '../models/types.js';
import { BackendChoice, BACKENDS, initBackend } from '../node/backend.js';
import { readRegularFileSync } from '../node/files.js';
import { describeKernels, EngineChoice, ENGINES, loadNativeKernels, NativeLoad } from '../node/native.js';
import { NATIVE_BACKEND } from '../node/nativeBackend.js';
import { hasNativePath } from '../train/engine.js';
import { CommandFlag, FieldGroup, UsageError } from './flags.js';

export const BACKEND_FLAG: CommandFlag = {
  flag: 'backend',
  help: "numeric engine: native (vaekit's tfjs backend on OpenBLAS and OpenMP, built at npm install where g++ and libopenblas0-openmp exist), wasm (one thread), cpu (plain JS) or tensorflow (@tensorflow/tfjs-node if installed); auto takes native where it loads, else tensorflow if installed, else wasm (vaekit info says which and why)",
  type: { type: 'enum', choices: BACKENDS },
  defaultText: 'auto',
};

/** The --threads flag: threads of the native backend and kernels. */
export const THREADS_FLAG: CommandFlag = {
  flag: 'threads',
  help: 'threads of the native backend and kernels (OpenMP and OpenBLAS)',
  type: { type: 'int', min: 1 },
  defaultText: 'all cores',
};

/** Starts the engine that --backend and --threads ask for; returns the backend's name. */
export function startBackend(flags: Record<string, unknown>): Promise<string> {
  return initBackend((flags.backend as BackendChoice | undefined) ?? 'auto', { threads: flags.threads as number | undefined });
}

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
    if (flag === '--model' && value !== undefined && value in MODEL_KINDS) return value;
    if (flag === '--config') configPath = value;
  }
  if (configPath) {
    try {
      const kind = (parseConfigText(readRegularFileSync(configPath).toString('utf8')) as { model?: { kind?: unknown } }).model?.kind;
      if (typeof kind === 'string' && kind in MODEL_KINDS) return kind;
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

/** The tfjs backend and the threads its ops run on, where it says: "tfjs wasm, 1 thread". */
function backendText(backend: string): string {
  // The wasm backend runs one thread in Node (no cross-origin isolated workers); cpu is plain JavaScript; the
  // native backend runs the addon's threads.
  const threads = backend === 'wasm' || backend === 'cpu' ? 1 : backend === NATIVE_BACKEND ? loadNativeKernels().kernels?.backend.threads() : undefined;
  return `tfjs ${backend}${threads === undefined ? '' : `, ${threads} thread${threads === 1 ? '' : 's'}`}`;
}

/**
 * Where a command's ops run, and why, for its log: the native kernels (with their threads), or the portable
 * engine on its tfjs backend. The native kernels do the whole step, so the backend is named only for portable.
 */
export function engineText(path: 'native' | 'portable', native: NativeLoad, backend: string): string {
  if (path === 'native') return describeKernels(native);
  if (native.kernels) return `portable (${backendText(backend)}): the native kernels run only the MLP networks of vae, m2 and m1m2`;
  return `portable (${backendText(backend)}); native kernels unavailable: ${native.reason}`;
}

/** The settings of a model config that apply to it (sigma only with the fixed-sigma decoder...), for logs. */
export function modelSettingsText(config: ModelConfig): string {
  return applicableEntries(modelKindSpec(config.kind).fields, config)
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(',') || 'none' : v}`)
    .join(', ');
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
    { title: 'Data', section: 'data', fields: DATA_FIELDS, defaults: { ...DATA_DEFAULTS, ...IMAGE_FOLDER_DEFAULTS } },
  ];
}

/**
 * A library message in the words of the command line: each config key it names as section.key (data.valSize)
 * becomes the flag that sets it (--val-size).
 */
export function inFlagTerms(message: string): string {
  const flags = new Map<string, string>();
  for (const f of TRAIN_FIELDS) flags.set(`train.${f.key}`, f.flag);
  for (const f of DATA_FIELDS) flags.set(`data.${f.key}`, f.flag);
  for (const spec of Object.values(MODEL_KINDS)) for (const f of spec.fields) if (!flags.has(`model.${f.key}`)) flags.set(`model.${f.key}`, f.flag);
  return message.replace(/\b(?:model|train|data)\.[A-Za-z]+\b/g, (key) => (flags.has(key) ? `--${flags.get(key)}` : key));
}

/**
 * Refuses a setting the user's layers (flags, a config file) give that `find` says is of no use to `subject`,
 * named as the user wrote it: `--lr does not apply to --model pca: it is fitted in one pass`.
 */
export function refuseUnused(layers: ConfigLayer[], find: (values: ConfigLayer['values']) => UnusedSetting[], subject: string): void {
  for (const { source, values } of layers) {
    const [first] = find(values);
    if (!first) continue;
    const flag = (first.section === 'train' ? TRAIN_FIELDS : DATA_FIELDS).find((f) => f.key === first.key)?.flag ?? first.key;
    const name = source === 'flags' ? `--${flag}` : `--config ${source}: "${first.section}.${first.key}"`;
    throw new UsageError(`${name} does not apply to ${subject}: ${first.reason}`);
  }
}

/** Formats nats with two decimals. */
export function nats(v: number | undefined): string {
  return v === undefined ? '-' : v.toFixed(2);
}

/** "recon 80.12, kl 25.01" from named metrics, total first and left out. */
export function termsText(m: Record<string, number>): string {
  return Object.entries(m)
    .filter(([k]) => k !== 'total')
    // A classification error is a rate: shown in percent, to the hundredth (val error 7.12%); a fit's share of
    // the variance likewise.
    .map(([k, v]) => (k === 'error' ? `${k} ${(100 * v).toFixed(2)}%` : k === 'explainedVariance' ? `explained variance ${(100 * v).toFixed(1)}%` : `${k} ${nats(v)}`))
    .join(', ');
}
