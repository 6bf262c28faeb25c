/**
 * The memory a run would need, estimated from its config before anything is allocated, so that a run too large
 * is refused with the estimate instead of failing midway (or swapping the machine to a halt). The estimates are
 * lower bounds; a run that passes may still be slow, but it does not ask for terabytes.
 */
import type { ImageShape } from '../nn/convNet.js';
import { modelKindSpec } from '../models/registry.js';
import { RunConfig, TRAIN_DEFAULTS } from './run.js';
import { ConfigError, FieldSpec } from './schema.js';

/**
 * The most memory each of these may take: the parameters with Adam's moments; one training batch; one scoring
 * pass. 4 GB: about the most a 32-bit WebAssembly heap (the wasm backend's) can hold, and more than vaekit's runs need.
 */
export const MEMORY_LIMIT_BYTES = 4e9;

/** A float32 parameter while training: its value and Adam's two moments. */
const BYTES_PER_PARAMETER = 12;

/** How a key is named in messages: the CLI names flags (`--hidden 2000000`), the library `model.hidden`. */
export type KeyName = (section: 'model' | 'train', key: string) => string;

const configKey: KeyName = (section, key) => `${section}.${key}`;

/** "3.1e9" for large counts, "2e9" for round ones, plain digits below a million. */
export function countText(n: number): string {
  return n < 1e6 ? n.toLocaleString('en-US') : n.toExponential(1).replace('.0e', 'e').replace('e+', 'e');
}

/** "37.3 GB", "4 GB" (decimal units, as memory is sold). */
export function bytesText(n: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) [n, i] = [n / 1000, i + 1];
  if (i === 0) return `${n} bytes`;
  return `${n >= 1e3 ? countText(n) : n.toFixed(1).replace(/\.0$/, '')} ${units[i]}`;
}

const LIMIT_TEXT = bytesText(MEMORY_LIMIT_BYTES);

/**
 * Which of `keys` makes `size` large: the one whose default value shrinks it most (by at least half), or null.
 * `with(key)` gives the size with that key at its default.
 */
function culprit(keys: string[], size: number, withDefault: (key: string) => number): string | null {
  let best: { key: string; size: number } | null = null;
  for (const key of keys) {
    const smaller = withDefault(key);
    if (smaller <= size / 2 && (!best || smaller < best.size)) best = { key, size: smaller };
  }
  return best?.key ?? null;
}

/** The keys of fields whose value is a size: integers and lists of them. */
function sizeKeys(fields: FieldSpec[]): string[] {
  return fields.filter((f) => f.type.type === 'int' || f.type.type === 'int-list').map((f) => f.key);
}

/**
 * Refuses a model whose parameters with Adam's two moments, or whose closed-form fit, would take more than
 * MEMORY_LIMIT_BYTES for images of `shape`; the message names the key that makes it large, through `name`.
 */
export function checkModelSize(config: RunConfig, shape: ImageShape, name: KeyName = configKey): void {
  const spec = modelKindSpec(config.model.kind);
  const model = config.model as unknown as Record<string, unknown>;
  const defaults = spec.defaults as unknown as Record<string, unknown>;
  const size = spec.size(config.model, shape);
  const at = (key: string) => spec.size({ ...model, [key]: defaults[key] } as never, shape);
  const images = `for images of ${shape.join('x')}`;
  const who = (key: string | null) => (key === null ? `the model ${images}` : `${name('model', key)}: the model ${images}`);
  const paramBytes = size.parameters * BYTES_PER_PARAMETER;
  if (paramBytes > MEMORY_LIMIT_BYTES) {
    const key = culprit(sizeKeys(spec.fields), size.parameters, (k) => at(k).parameters);
    const most = Math.floor(MEMORY_LIMIT_BYTES / BYTES_PER_PARAMETER);
    throw new ConfigError(`${who(key)} would have ${countText(size.parameters)} parameters, ${bytesText(paramBytes)} with Adam's two moments; at most ${countText(most)} (${LIMIT_TEXT}) fit in the memory allowed`);
  }
  const fitBytes = (size.fitValues ?? 0) * 8;
  if (fitBytes > MEMORY_LIMIT_BYTES) {
    throw new ConfigError(`${who(null)} would need ${bytesText(fitBytes)} for its fit (${countText(size.fitValues ?? 0)} float64 values); at most ${LIMIT_TEXT} are allowed: use smaller images`);
  }
}

/**
 * Refuses a training batch whose values would take more than MEMORY_LIMIT_BYTES: at least the batch itself and,
 * for each Monte Carlo sample of z, the decoder's output and its gradient, all of the image's size.
 */
export function checkBatchSize(config: RunConfig, shape: ImageShape, name: KeyName = configKey): void {
  const dim = shape[0] * shape[1] * shape[2];
  const bytes = (t: { batchSize: number; numSamples: number }) => 4 * t.batchSize * dim * (1 + 2 * t.numSamples);
  const { batchSize, numSamples } = config.train;
  const need = bytes(config.train);
  if (need <= MEMORY_LIMIT_BYTES) return;
  const key = culprit(['batchSize', 'numSamples'], need, (k) => bytes({ ...config.train, [k]: TRAIN_DEFAULTS[k as 'batchSize' | 'numSamples'] }));
  throw new ConfigError(
    `${key === null ? '' : `${name('train', key)}: `}a batch of ${countText(batchSize)} images of ${dim} values, ${countText(numSamples)} sample(s) of z each, would need at least ${bytesText(need)}; at most ${LIMIT_TEXT} are allowed`,
  );
}

/** Decoder rows (images x samples) per scoring pass: 20,000 rows of MNIST's 784 values, as many values for larger images. */
function rowsPerPass(dim: number): number {
  return Math.max(1, Math.floor((20000 * 784) / Math.max(dim, 784)));
}

/**
 * Images per pass when scoring with `numSamples` samples of z each (at most `most`): as many as keep a pass
 * within rowsPerPass decoder rows, and at least one, whose pass is refused past MEMORY_LIMIT_BYTES (the decoder's
 * output and its likelihood terms for every sample).
 */
export function scoringImagesPerPass(numSamples: number, shape: ImageShape, most: number, name = 'numSamples'): number {
  const dim = shape[0] * shape[1] * shape[2];
  const one = 4 * 2 * numSamples * dim;
  if (one > MEMORY_LIMIT_BYTES) {
    throw new ConfigError(`${name}: one image's pass, ${countText(numSamples)} decoded copies of ${dim} values, would need at least ${bytesText(one)}; at most ${LIMIT_TEXT} are allowed`);
  }
  return Math.max(1, Math.min(most, Math.floor(rowsPerPass(dim) / numSamples)));
}
