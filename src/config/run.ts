import { isModelKind, ModelConfig, modelKindSpec, MODEL_KINDS } from '../models/registry.js';
import { ConfigError, resolveSection } from './schema.js';
import { checkConfigDepth } from './text.js';
import { DataConfig, DATA_DEFAULTS, DATA_FIELDS, ReaderSettings } from '../data/config.js';
import { TrainConfig, TRAIN_DEFAULTS, TRAIN_FIELDS, learningRate } from './train.js';

export type { TrainConfig } from './train.js';
export { klWeight, learningRate, stopsEarly, TRAIN_DEFAULTS, TRAIN_FIELDS } from './train.js';
export type { DataConfig, ReaderSettings } from '../data/config.js';
export { dataConfigFor, DATA_DEFAULTS, DATA_FIELDS, IMAGE_FOLDER_DEFAULTS, MAX_IMAGE_SIZE } from '../data/config.js';

export interface RunConfig {
  model: ModelConfig;
  train: TrainConfig;
  data: DataConfig;
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
  const train = resolveSection(TRAIN_FIELDS, { ...TRAIN_DEFAULTS, ...spec.trainDefaults }, pick('train'));
  const objectives = spec.objectives ?? ['elbo'];
  if (!objectives.includes(train.objective)) {
    const offering = Object.values(MODEL_KINDS).filter((s) => s.objectives?.includes(train.objective)).map((s) => s.kind);
    throw new ConfigError(`train.objective ${train.objective}: the ${kind} kind trains on its own objective only (train.objective elbo); ${train.objective} is offered by ${offering.join(', ')}`);
  }
  // DReG rewrites the gradient of the importance weights (Tucker et al. 2019, eq. 5/6): the ELBO has none to rewrite.
  if (train.estimator === 'dreg' && train.objective !== 'iwae') {
    throw new ConfigError(`train.estimator dreg (--estimator dreg) estimates the gradient of the IWAE bound: it needs train.objective iwae (--objective iwae), got ${train.objective}`);
  }
  return { model: { ...resolveSection(spec.fields, spec.defaults, pick('model'), ['kind']), kind } as ModelConfig, train, data };
}

/** What a run's objective `total` is called in logs: the kind's (e.g. -elbo), or -iwae(k=K). */
export function objectiveName(config: { model: { kind: string }; train: TrainConfig }): string {
  return config.train.objective === 'iwae' ? `-iwae(k=${config.train.numSamples})` : modelKindSpec(config.model.kind).objective;
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
      // How the images are held changes no batch: a run streamed can go on in memory, and back.
      if (section === 'data' && key === 'stream') continue;
      if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) return `${section}.${key} (${names.saved} ${JSON.stringify(a[key])}, ${names.asked} ${JSON.stringify(b[key])})`;
    }
  }
  for (let epoch = 1; epoch <= epochsTrained; epoch++) {
    if (learningRate(saved.train, epoch) !== learningRate(asked.train, epoch)) return `train.lrSteps (epoch ${epoch}, already trained, would change its learning rate)`;
  }
  return null;
}
