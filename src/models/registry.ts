/**
 * The model kinds vaekit knows: one spec each (src/models/spec.ts), exported beside its config type. Reading
 * them loads no tfjs; each kind's code (its math) loads with `loadModelKinds`.
 */
import type { TrainConfig } from '../config/train.js';
import { AAE_KIND } from './aaeConfig.js';
import { AE_KIND, CAE_KIND, DAE_KIND } from './autoencoderConfig.js';
import { CVAE_KIND } from './cvaeConfig.js';
import { M1M2_KIND } from './m1m2Config.js';
import { M2_KIND } from './m2Config.js';
import { PCA_KIND } from './pcaConfig.js';
import { KindConfig, ModelFactory, ModelKindSpec } from './spec.js';
import { VAE_KIND } from './vaeConfig.js';

export type { LabelTrainerKind, ModelFactory, ModelKindSpec, TrainerKind } from './spec.js';

/** The built-in kinds, in the order help and listings show them. */
const BUILT_IN = [
  VAE_KIND,
  AE_KIND,
  DAE_KIND,
  CAE_KIND,
  PCA_KIND,
  AAE_KIND,
  CVAE_KIND,
  M2_KIND,
  M1M2_KIND,
] as const;

/** One model configuration per kind: a union discriminated on `kind`. */
export type ModelConfig = (typeof BUILT_IN)[number] extends infer S ? (S extends ModelKindSpec<infer C> ? C : never) : never;
export type ModelKind = ModelConfig['kind'];

/** Every kind by name: the built-in ones, then any registered since. */
export const MODEL_KINDS: Record<string, ModelKindSpec> = Object.fromEntries(BUILT_IN.map((spec) => [spec.kind, spec as unknown as ModelKindSpec]));

/** What builds each kind's models, once its code is loaded. */
const FACTORIES = new Map<string, ModelFactory>();

/** Loads the code of every kind not loaded yet (src/models/create.ts does, before it creates any model). */
export async function loadModelKinds(): Promise<void> {
  for (const spec of Object.values(MODEL_KINDS)) if (!FACTORIES.has(spec.kind)) FACTORIES.set(spec.kind, await spec.load());
}

/** What builds a model of `kind`; its code must be loaded (`loadModelKinds`). */
export function modelFactory(kind: string): ModelFactory {
  const factory = FACTORIES.get(modelKindSpec(kind).kind);
  if (!factory) throw new Error(`model kind "${kind}": its code is not loaded (await loadModelKinds() first)`);
  return factory;
}

/**
 * Adds a kind defined outside vaekit (a model file of one's own) and loads its code: from then on configs name
 * it, runs train it with the trainer it declares, and checkpoints of it load. A name already taken is refused.
 */
export async function registerModelKind<C extends KindConfig>(spec: ModelKindSpec<C>): Promise<void> {
  if (Object.hasOwn(MODEL_KINDS, spec.kind)) throw new Error(`model kind "${spec.kind}" is already registered`);
  if (spec.defaults.kind !== spec.kind) throw new Error(`model kind "${spec.kind}": its defaults name kind "${spec.defaults.kind}"`);
  const factory = (await spec.load()) as ModelFactory;
  MODEL_KINDS[spec.kind] = spec as unknown as ModelKindSpec;
  FACTORIES.set(spec.kind, factory);
}

/** Whether `kind` names a model kind. Own keys only: "toString" or "constructor" name none. */
export function isModelKind(kind: unknown): kind is ModelKind {
  return typeof kind === 'string' && Object.hasOwn(MODEL_KINDS, kind);
}

export function modelKindSpec(kind: string): ModelKindSpec {
  if (!isModelKind(kind)) throw new Error(`unknown model kind "${kind}" (known: ${Object.keys(MODEL_KINDS).join(', ')})`);
  return MODEL_KINDS[kind];
}

/** Whether a kind uses a training setting (see ModelKindSpec.unusedTrainSettings). */
export function usesTrainSetting(spec: ModelKindSpec, key: keyof TrainConfig): boolean {
  return !(spec.unusedTrainSettings?.keys ?? []).includes(key);
}
