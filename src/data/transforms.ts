/**
 * Operations on in-memory data sets: subsets and splits, batches as floats, and binarization.
 */
import { Rng, Stream, permutation } from '../rng.js';
import { Dataset, imageSize } from './dataset.js';

/** byte -> float32 in [0, 1], so a batch costs one table lookup per pixel. */
const BYTE_TO_UNIT = new Float32Array(256).map((_, b) => b / 255);

function checkCount(n: number, what: string, d: Dataset): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${d.name}: ${what} must be a non-negative integer, found ${n}`);
}

/** A copy of the images (and labels) at `indices`, in that order. */
export function subset(d: Dataset, indices: ArrayLike<number>, name = `${d.name} (subset)`): Dataset {
  const size = imageSize(d);
  const images = new Uint8Array(indices.length * size);
  const labels = d.labels ? new Uint8Array(indices.length) : undefined;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= d.count) {
      throw new Error(`${d.name}: index ${i} out of range: expected an integer in [0, ${d.count})`);
    }
    images.set(d.images.subarray(i * size, (i + 1) * size), k * size);
    if (labels && d.labels) labels[k] = d.labels[i];
  }
  return { name, images, labels, count: indices.length, shape: [...d.shape], ...(d.classNames && { classNames: d.classNames }) };
}

/**
 * Holds out `valSize` images drawn by `permutation(count, new Rng(seed, Stream.split))`: the validation
 * set is the first `valSize` of the permutation, sorted; the training set is the rest, in the original
 * order. `valSize` 0 gives no validation set.
 */
export function splitValidation(d: Dataset, valSize: number, seed: number): { train: Dataset; val?: Dataset } {
  checkCount(valSize, 'validation size', d);
  if (valSize >= d.count) {
    throw new Error(`${d.name}: validation size ${valSize} leaves no training images: expected less than ${d.count}`);
  }
  if (valSize === 0) return { train: d };
  const { train, val } = validationIndices(d.count, valSize, seed);
  return {
    train: subset(d, train, `${d.name} (train split)`),
    val: subset(d, val, `${d.name} (validation split)`),
  };
}

/**
 * The indices of `splitValidation`'s two sets among `count` images: the first `valSize` of
 * `permutation(count, new Rng(seed, Stream.split))`, sorted, are held out; the rest train, in order.
 */
export function validationIndices(count: number, valSize: number, seed: number): { train: Uint32Array; val: Uint32Array } {
  const perm = permutation(count, new Rng(seed, Stream.split));
  const val = perm.slice(0, valSize).sort();
  const inVal = new Uint8Array(count);
  for (const i of val) inVal[i] = 1;
  const train = new Uint32Array(count - valSize);
  for (let i = 0, k = 0; i < count; i++) if (!inVal[i]) train[k++] = i;
  return { train, val };
}

/**
 * The images `indices[start..end)` as floats byte/255, image after image. When `out` is given (at least
 * that long) it is filled and its leading part returned, so a loop can reuse one buffer.
 */
export function gatherBatch(
  d: Dataset,
  indices: ArrayLike<number>,
  start: number,
  end: number,
  out?: Float32Array,
): Float32Array {
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= indices.length)) {
    throw new Error(`${d.name}: batch range [${start}, ${end}) outside the ${indices.length} indices`);
  }
  const size = imageSize(d);
  const n = (end - start) * size;
  if (out && out.length < n) throw new Error(`${d.name}: batch buffer holds ${out.length} floats, expected at least ${n}`);
  const x = out ? out.subarray(0, n) : new Float32Array(n);
  const images = d.images;
  for (let k = start, o = 0; k < end; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= d.count) {
      throw new Error(`${d.name}: index ${i} out of range: expected an integer in [0, ${d.count})`);
    }
    for (let p = i * size, last = p + size; p < last; p++) x[o++] = BYTE_TO_UNIT[images[p]];
  }
  return x;
}

/**
 * Dynamic binarization (Salakhutdinov & Murray 2008): each intensity becomes a Bernoulli draw,
 * x = 1 with probability x. Returns `x`.
 */
export function binarizeInPlace(x: Float32Array, rng: Rng): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform() < x[i] ? 1 : 0;
  return x;
}

/**
 * A statically binarized copy, pixels 0 or 255, drawn once from `new Rng(seed, Stream.staticBinarize)`.
 * Equal to `binarizeInPlace` applied to the whole data set as a batch in order, times 255.
 */
export function binarizeDataset(d: Dataset, seed: number): Dataset {
  const rng = new Rng(seed, Stream.staticBinarize);
  const images = new Uint8Array(d.images.length);
  for (let i = 0; i < images.length; i++) images[i] = rng.uniform() < BYTE_TO_UNIT[d.images[i]] ? 255 : 0;
  return { ...d, name: `${d.name} (binarized once)`, images, labels: d.labels?.slice(), shape: [...d.shape] };
}

/** The first `n` images (all of them when `n` >= count); the pixels are shared, not copied. */
export function limit(d: Dataset, n: number): Dataset {
  checkCount(n, 'limit', d);
  if (n >= d.count) return d;
  const size = imageSize(d);
  return {
    ...d,
    name: `${d.name} (first ${n})`,
    images: d.images.subarray(0, n * size),
    labels: d.labels?.subarray(0, n),
    count: n,
    shape: [...d.shape],
  };
}

/** The indices 0..n-1 in order: the batch order of evaluation, which needs no shuffling. */
export function inOrder(n: number): Uint32Array {
  return Uint32Array.from({ length: n }, (_, i) => i);
}
