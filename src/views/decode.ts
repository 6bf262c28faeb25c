/** Running a model over codes and images in chunks, returning plain arrays: the tensors never leave here. */
import * as tf from '@tensorflow/tfjs';
import { Dataset, imageSize } from '../data/dataset.js';
import { gatherBatch } from '../data/transforms.js';
import { Rng } from '../rng.js';
import { Reads, settleSync } from '../tensorReads.js';
import { CodeDecoder, CodeEncoder, encodeMean } from './capabilities.js';
import { imagesFromBatch, RgbaImage } from './image.js';

/** Rows per forward pass: bounds memory for large grids and test sets. */
const CHUNK = 500;

/** Decodes codes [count, latentDim] to mean images, or with `draw` to draws x ~ p(x|z) from that stream. */
export function decodeToImages(model: CodeDecoder, z: Float32Array, shape: readonly [number, number, number], draw?: Rng): RgbaImage[] {
  return settleSync(decodeToImagesReads(model, z, shape, draw));
}

/** decodeToImages as reads to settle (src/tensorReads.ts): asynchronously where the backend asks (mean images). */
export function* decodeToImagesReads(model: CodeDecoder, z: Float32Array, shape: readonly [number, number, number], draw?: Rng): Reads<RgbaImage[]> {
  const k = model.latentDim;
  if (z.length % k !== 0) throw new Error(`codes of length ${z.length} are not rows of the latent size ${k}`);
  if (draw && !model.decodeDraw) throw new Error('this model offers no draws from p(x|z)');
  const count = z.length / k;
  const out: RgbaImage[] = [];
  for (let start = 0; start < count; start += CHUNK) {
    const end = Math.min(count, start + CHUNK);
    const codes = () => tf.tensor2d(z.subarray(start * k, end * k), [end - start, k]);
    const values = draw ? tf.tidy(() => model.decodeDraw!(codes(), draw)) : yield tf.tidy(() => model.decodeMean(codes()));
    out.push(...imagesFromBatch(values, end - start, shape));
  }
  return out;
}

/** The codes (posterior means) of the images `indices` of a data set, [indices.length, latentDim]. */
export function encodeImages(model: CodeEncoder, data: Dataset, indices: ArrayLike<number>): Float32Array {
  return settleSync(encodeImagesReads(model, data, indices));
}

/** encodeImages as reads to settle (src/tensorReads.ts): asynchronously where the backend asks. */
export function* encodeImagesReads(model: CodeEncoder, data: Dataset, indices: ArrayLike<number>): Reads<Float32Array> {
  const k = model.latentDim;
  const size = imageSize(data);
  const z = new Float32Array(indices.length * k);
  for (let start = 0; start < indices.length; start += CHUNK) {
    const end = Math.min(indices.length, start + CHUNK);
    const x = gatherBatch(data, indices, start, end);
    z.set(yield tf.tidy(() => encodeMean(model, tf.tensor2d(x, [end - start, size]))), start * k);
  }
  return z;
}

/** The images `indices` of a data set as shown to the model (bytes / 255). */
export function datasetImages(data: Dataset, indices: ArrayLike<number>): RgbaImage[] {
  return imagesFromBatch(gatherBatch(data, indices, 0, indices.length), indices.length, data.shape);
}
