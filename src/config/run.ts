import { isModelKind, ModelConfig, modelKindSpec, MODEL_KINDS } from '../models/registry.js';
import { ConfigError, FieldSpec, resolveSection } from './schema.js';
import { checkConfigDepth } from './text.js';

/** How a model is trained. */
export interface TrainConfig {
  /** Passes over the training set. Default 10. */
  epochs: number;
  /** Images per optimizer step. Default 128. */
  batchSize: number;
  /** Adam learning rate. Default 1e-3. */
  lr: number;
  /** Epochs after which the learning rate is multiplied by lrStepFactor (a step schedule). Default none. */
  lrSteps: number[];
  /** What each of lrSteps multiplies the learning rate by. Default 0.1. */
  lrStepFactor: number;
  /** Weight of the KL term in the objective (beta-VAE, Higgins et al. 2017). Default 1. */
  beta: number;
  /** Epochs over which the KL weight rises linearly from 0 to beta (Bowman et al. 2016). Default 0. */
  warmupEpochs: number;
  /** Monte Carlo samples of z per input (L in Kingma & Welling 2014, eq. 7). Default 1. */
  numSamples: number;
  /** Seed of every random stream of the run. Default 0. */
  seed: number;
}

/** Where the data comes from and how it is prepared. */
export interface DataConfig {
  /** mnist | fashion-mnist | binarized-mnist | cifar10 | a directory of IDX files, CIFAR-10 .bin batches or images. Default 'mnist'. */
  data: string;
  /** Directory holding the data set's files (null: the data set's default place). Default null. */
  dataDir: string | null;
  /** none: grey levels; dynamic: a fresh Bernoulli draw per epoch; static: drawn once. Default 'dynamic'. */
  binarize: 'none' | 'dynamic' | 'static';
  /**
   * Training images held out for validation (0: none); 'auto': a tenth of the training images (after `limit`),
   * at most 5000, so MNIST's 60,000 give 55,000 and 5,000. Default 'auto'.
   */
  valSize: number | 'auto';
  /** Use only the first N images of the training set, before the validation split (0: all). Default 0. */
  limit: number;
  /**
   * Side of the square images a folder of PNG/JPEG images is fitted to (centre crop, resize), at most 1024.
   * Image folders only: a run saves the value its folder was read with, and no value for other sources. Default 32.
   */
  imageSize?: number;
  /** Channels of a folder's images: 3 (RGB) or 1 (grey). Image folders only, as imageSize. Default 3. */
  channels?: number;
}

export interface RunConfig {
  model: ModelConfig;
  train: TrainConfig;
  data: DataConfig;
}

export const TRAIN_DEFAULTS: TrainConfig = { epochs: 10, batchSize: 128, lr: 1e-3, lrSteps: [], lrStepFactor: 0.1, beta: 1, warmupEpochs: 0, numSamples: 1, seed: 0 };
export const DATA_DEFAULTS: DataConfig = { data: 'mnist', dataDir: null, binarize: 'dynamic', valSize: 'auto', limit: 0 };
/** The image-folder settings when not given; the folder reader's own defaults (src/node/imageFolder.ts). */
export const IMAGE_FOLDER_DEFAULTS = { imageSize: 32, channels: 3 } as const;

/** The largest side an image folder is fitted to: 1024 x 1024 x 3 is already 3 million values per image. */
export const MAX_IMAGE_SIZE = 1024;

export const TRAIN_FIELDS: FieldSpec[] = [
  { key: 'epochs', flag: 'epochs', help: 'passes over the training set', type: { type: 'int', min: 1 } },
  { key: 'batchSize', flag: 'batch-size', help: 'images per optimizer step', type: { type: 'int', min: 1 } },
  { key: 'lr', flag: 'lr', help: 'Adam learning rate', type: { type: 'number', exclusiveMin: 0 } },
  { key: 'lrSteps', flag: 'lr-steps', help: 'epochs after which the learning rate is multiplied by --lr-step-factor, e.g. 200,250 (empty: constant)', type: { type: 'int-list', min: 1, allowEmpty: true } },
  { key: 'lrStepFactor', flag: 'lr-step-factor', help: 'what each of --lr-steps multiplies the learning rate by', type: { type: 'number', exclusiveMin: 0 } },
  { key: 'beta', flag: 'beta', help: 'weight of the KL term (beta-VAE)', type: { type: 'number', min: 0 } },
  { key: 'warmupEpochs', flag: 'warmup-epochs', help: 'epochs of linear KL warm-up from 0 to beta', type: { type: 'number', min: 0 } },
  { key: 'numSamples', flag: 'samples', help: 'Monte Carlo samples of z per input (L)', type: { type: 'int', min: 1 } },
  { key: 'seed', flag: 'seed', help: 'seed of every random stream (init, shuffling, binarization, eps)', type: { type: 'int', min: 0 } },
];

export const DATA_FIELDS: FieldSpec[] = [
  { key: 'data', flag: 'data', help: 'mnist | fashion-mnist | binarized-mnist | cifar10 | a directory of IDX files, of CIFAR-10 .bin batches, or of PNG/JPEG images (sub-folders name the labels)', type: { type: 'string' } },
  { key: 'dataDir', flag: 'data-dir', help: 'directory holding the data set files (default: the data set\'s usual place)', type: { type: 'string', nullable: true } },
  { key: 'binarize', flag: 'binarize', help: 'none: grey levels; dynamic: fresh Bernoulli draw each epoch; static: drawn once (for --data cifar10 the default is none: colour images are not binarized)', type: { type: 'enum', choices: ['none', 'dynamic', 'static'] } },
  { key: 'valSize', flag: 'val-size', help: 'training images held out for validation (0: none; auto: a tenth of the training images after --limit, at most 5000)', type: { type: 'int', min: 0, orAuto: true } },
  { key: 'limit', flag: 'limit', help: 'use only the first N images of the training set, before the validation split (0: all)', type: { type: 'int', min: 0 } },
  { key: 'imageSize', flag: 'image-size', help: 'image folders: side of the square images (centre crop, then area or bilinear resize)', type: { type: 'int', min: 1, max: MAX_IMAGE_SIZE } },
  { key: 'channels', flag: 'channels', help: 'image folders: 3 (RGB) or 1 (grey)', type: { type: 'int', min: 1 } },
];

/** The settings a data source was read with, beyond the common ones: an image folder's size and channels. */
export type ReaderSettings = Pick<DataConfig, 'imageSize' | 'channels'>;

/**
 * The data config as a run saves it: the reader settings (imageSize, channels) the source was read with, and
 * none for a source that takes none (IDX, CIFAR-10), whatever a config or an older checkpoint held.
 */
export function dataConfigFor(data: DataConfig, readerSettings: ReaderSettings | undefined): DataConfig {
  const { imageSize: _size, channels: _channels, ...common } = data;
  return { ...common, ...readerSettings };
}

/** A setting a user gave that the model or the data source has no use for, and why. */
export interface UnusedSetting {
  section: 'train' | 'data';
  key: string;
  reason: string;
}

/**
 * The training settings of a layer the user wrote (flags, a config file) that the kind has no use for, e.g. a
 * learning rate for a fitted kind. Saved configs are not checked: they hold every setting, whether used or not.
 */
export function unusedTrainSettings(kind: string, values: ConfigLayer['values']): UnusedSetting[] {
  const unused = modelKindSpec(kind).unusedTrainSettings;
  if (!unused) return [];
  return Object.keys(values.train ?? {}).filter((k) => (unused.keys as string[]).includes(k)).map((key) => ({ section: 'train', key, reason: unused.reason }));
}

/**
 * The data settings of a user's layer that the source read has no use for: an image folder's size and channels
 * elsewhere, and the validation size where the data set brings its own validation split.
 */
export function unusedDataSettings(source: { settings?: ReaderSettings; valid?: { count: number } }, values: ConfigLayer['values']): UnusedSetting[] {
  const given = Object.keys(values.data ?? {});
  const out: UnusedSetting[] = [];
  for (const key of ['imageSize', 'channels'] as const) {
    if (given.includes(key) && source.settings?.[key] === undefined) out.push({ section: 'data', key, reason: 'it applies to folders of images only' });
  }
  if (given.includes('valSize') && source.valid) {
    out.push({ section: 'data', key: 'valSize', reason: `it has its own fixed validation split of ${source.valid.count.toLocaleString('en-US')} images` });
  }
  return out;
}

/** One layer of configuration: a config file, a checkpoint's saved config, or flags. */
export interface ConfigLayer {
  source: string;
  values: { model?: Record<string, unknown>; train?: Record<string, unknown>; data?: Record<string, unknown> };
}

/**
 * defaults <- layers, in order; the model kind comes from the last layer that names one. A layer nested deeper
 * than MAX_CONFIG_DEPTH is refused, naming its source.
 */
export function resolveRunConfig(layers: ConfigLayer[]): RunConfig {
  for (const { source, values } of layers) {
    checkConfigDepth(values, source);
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      throw new ConfigError(`${source}: expected an object with "model", "train" and "data" sections, got ${JSON.stringify(values)}`);
    }
    for (const key of Object.keys(values)) {
      if (!['model', 'train', 'data'].includes(key)) throw new ConfigError(`${source}: unknown section "${key}" (known: model, train, data)`);
    }
  }
  let kind = 'vae';
  for (const { source, values } of layers) {
    const k = values.model?.kind;
    if (k !== undefined) {
      if (!isModelKind(k)) throw new ConfigError(`${source}: model kind: expected one of ${Object.keys(MODEL_KINDS).join(', ')}, got ${JSON.stringify(k)}`);
      kind = k;
    }
  }
  const spec = modelKindSpec(kind);
  const pick = (section: 'model' | 'train' | 'data') => layers.map(({ source, values }) => ({ source: `${source} (${section})`, values: values[section] }));
  const data = resolveSection(DATA_FIELDS, DATA_DEFAULTS, pick('data'));
  // Binarization is for grey levels read as Bernoulli probabilities; colour data keeps its values unless asked.
  if (data.data === 'cifar10' && layers.every(({ values }) => values.data?.binarize === undefined)) data.binarize = 'none';
  return {
    model: { ...resolveSection(spec.fields, spec.defaults, pick('model'), ['kind']), kind } as ModelConfig,
    train: resolveSection(TRAIN_FIELDS, { ...TRAIN_DEFAULTS, ...spec.trainDefaults }, pick('train')),
    data,
  };
}

/** The learning rate of (1-based) epoch `epoch`: lr, times lrStepFactor for each of lrSteps it comes after. */
export function learningRate(train: TrainConfig, epoch: number): number {
  return train.lr * train.lrStepFactor ** train.lrSteps.filter((s) => epoch > s).length;
}

/**
 * Whether a run that has trained (wholly or in part) its first `epochsTrained` epochs under `saved` can go on
 * under `asked`: they may differ only in the epoch count and in the learning-rate schedule of the epochs still to
 * come, so the resumed run is the one `asked` would have trained from the start. Returns the first field that
 * differs otherwise, with both values under `names` (default "saved" and "asked"), or null.
 */
export function resumeConflict(saved: RunConfig, asked: RunConfig, epochsTrained: number, names = { saved: 'saved', asked: 'asked' }): string | null {
  const schedule = ['epochs', 'lrSteps', 'lrStepFactor'];
  for (const section of ['model', 'train', 'data'] as const) {
    const [a, b] = [saved[section] as unknown as Record<string, unknown>, asked[section] as unknown as Record<string, unknown>];
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (section === 'train' && schedule.includes(key)) continue;
      if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) return `${section}.${key} (${names.saved} ${JSON.stringify(a[key])}, ${names.asked} ${JSON.stringify(b[key])})`;
    }
  }
  for (let epoch = 1; epoch <= epochsTrained; epoch++) {
    if (learningRate(saved.train, epoch) !== learningRate(asked.train, epoch)) return `train.lrSteps (epoch ${epoch}, already trained, would change its learning rate)`;
  }
  return null;
}

/** The KL weight at a (fractional) epoch: linear warm-up from 0 to beta over warmupEpochs. */
export function klWeight(train: TrainConfig, epochProgress: number): number {
  if (train.warmupEpochs <= 0) return train.beta;
  return train.beta * Math.min(1, epochProgress / train.warmupEpochs);
}
