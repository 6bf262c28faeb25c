import { ConfigLayer, DATA_FIELDS, RunConfig, TRAIN_FIELDS, UnusedSetting } from '../config/run.js';
import { applicableEntries } from '../config/schema.js';
import { checkBatchSize, checkModelSize, KeyName } from '../config/size.js';
import { ModelConfig, modelKindSpec } from '../models/registry.js';
import type { ImageShape } from '../nn/convNet.js';
import { Model } from '../models/types.js';
import { BackendChoice, initBackend } from '../node/backend.js';
import { describeKernels, EngineChoice, loadNativeKernels, NativeLoad } from '../node/native.js';
import { NATIVE_BACKEND } from '../node/nativeBackend.js';
import { KERNEL_DECODERS } from '../models/decoders.js';
import { offersFusedEngine } from '../train/train.js';
import { TrainState } from '../train/state.js';
import { UsageError } from './flags.js';

/**
 * Starts the engine that --backend and --threads ask for, and for a command that trains or scores, the
 * hand-fused kernels `engine` (its --engine) allows; returns the backend's name.
 */
export function startBackend(flags: Record<string, unknown>, engine?: EngineChoice): Promise<string> {
  return initBackend((flags.backend as BackendChoice | undefined) ?? 'auto', { threads: flags.threads as number | undefined, engine });
}

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
  if (native.kernels) return `portable (${backendText(backend)}): the native kernels run only models that offer a hand-fused plan (MLP networks with the kernels' decoders)`;
  return `portable (${backendText(backend)}); native kernels unavailable: ${native.reason}`;
}

/** The settings of a model config that apply to it (sigma only with the fixed-sigma decoder...), for logs. */
export function modelSettingsText(config: ModelConfig): string {
  return applicableEntries(modelKindSpec(config.kind).fields, config)
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(',') || 'none' : v}`)
    .join(', ');
}

/** The model as its flags would name it, for the two refusals below: `m2 with --net conv`, `vae with --decoder gaussian-ar`. */
function modelText(config: ModelConfig): string {
  if ('net' in config && config.net === 'conv') return `${config.kind} with --net conv`;
  const decoder = (config as { decoder?: string }).decoder;
  return decoder !== undefined && !(KERNEL_DECODERS as readonly string[]).includes(decoder) ? `${config.kind} with --decoder ${decoder}` : config.kind;
}

/**
 * `--engine native` insists on the native kernels: training a model whose regime offers no hand-fused plan
 * (conv networks, decoders or kinds without one) is refused, rather than quietly taken by tfjs as `auto` does.
 */
export function checkNativeEngine(choice: EngineChoice, model: Model, config: ModelConfig): void {
  if (choice !== 'native' || offersFusedEngine(model)) return;
  throw new UsageError(`--engine native: the native kernels train only models that offer a hand-fused plan (MLP networks with decoders ${KERNEL_DECODERS.join(', ')}), not --model ${modelText(config)}; use --engine portable (or auto, which picks the portable engine for it)`);
}

/**
 * `vaekit eval --engine native` likewise: the kernels score only models that offer an MLP VAE plan (an M2 plan
 * trains on them but is scored through tfjs), so any other model is refused rather than quietly scored on tfjs.
 */
export function checkNativeScoring(choice: EngineChoice, model: Model, config: ModelConfig): void {
  if (choice !== 'native' || typeof model.mlpVaePlan === 'function') return;
  throw new UsageError(`--engine native: the native kernels score only models that offer an MLP VAE plan (MLP networks with decoders ${KERNEL_DECODERS.join(', ')}), not this ${modelText(config)} checkpoint; use --engine portable (or auto)`);
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

/**
 * What to try after a resumed run diverged. Its --lr cannot change (the epochs trained keep their rate), but a
 * learning-rate step before the epochs still to come can: where the last checkpoint ends an epoch, the epoch that
 * diverged is one of those. A checkpoint midway through it leaves only a new run.
 */
export function resumedDivergenceHint(checkpoint: TrainState, lrSteps: number[], outDir: string): string {
  const fresh = `start a new run with a lower --lr (--force, or another --out)`;
  if (checkpoint.batch > 0) return `--lr cannot change on a resumed run, nor can the rate of epoch ${checkpoint.epoch + 1}, which the last checkpoint is midway through: ${fresh}.`;
  const steps = [...new Set([...lrSteps, checkpoint.epoch])].sort((a, b) => a - b).join(',');
  return `--lr cannot change on a resumed run; lower the rate from epoch ${checkpoint.epoch + 1} on with a learning-rate step (vaekit train --resume --out ${outDir} --lr-steps ${steps} --lr-step-factor 0.1), or ${fresh}.`;
}

/** A config key as its flag and value (`--hidden 2000000`), for the library's size refusals. */
export function flagKeyName(config: RunConfig): KeyName {
  return (section, key) => {
    const field = (section === 'model' ? modelKindSpec(config.model.kind).fields : TRAIN_FIELDS).find((f) => f.key === key);
    const value = (config[section] as unknown as Record<string, unknown>)[key];
    return field ? `--${field.flag} ${Array.isArray(value) ? value.join(',') : String(value)}` : `${section}.${key}`;
  };
}

/** Refuses, before a model exists, a run whose parameters or batches would not fit in memory (src/config/size.ts). */
export function checkRunSize(config: RunConfig, shape: ImageShape): void {
  checkModelSize(config, shape, flagKeyName(config));
  checkBatchSize(config, shape, flagKeyName(config));
}
