/**
 * What the page asks of a model, whatever its kind: decode codes to images, encode images to codes, classify.
 * Parts are found by the same structural checks as the CLI's views (src/views/capabilities.ts), so every kind
 * with a decoder can be explored, and label-aware kinds decode given a chosen label.
 */
import * as tf from '@tensorflow/tfjs';
import { Dataset, imageSize } from '../../src/data/dataset.js';
import { gatherBatch, inOrder } from '../../src/data/transforms.js';
import { isClassifier } from '../../src/models/labelled.js';
import { Model } from '../../src/models/types.js';
import { Reads } from '../../src/tensorReads.js';
import { canDecode, canDecodeGivenLabel, canEncode, canEncodeGivenLabel, encodeMean } from '../../src/views/capabilities.js';

const CHUNK = 500;

export class ModelView {
  readonly latentDim: number;
  /** Labels the decoder or encoder is conditioned on (0: none). */
  readonly numClasses: number;
  readonly decodes: boolean;
  readonly encodes: boolean;
  /** True when decoding and encoding need a label (CVAE, M2). */
  readonly conditional: boolean;
  readonly classifies: boolean;

  constructor(readonly model: Model, readonly shape: [number, number, number]) {
    const m = model as Model & { latentDim?: number; numClasses?: number };
    this.latentDim = m.latentDim ?? 0;
    this.conditional = !canDecode(model) && canDecodeGivenLabel(model);
    this.decodes = canDecode(model) || this.conditional;
    this.encodes = canEncode(model) || canEncodeGivenLabel(model);
    this.classifies = isClassifier(model);
    this.numClasses = m.numClasses ?? 0;
  }

  get pixels(): number {
    return this.shape[0] * this.shape[1] * this.shape[2];
  }

  /** Mean images of the codes z [rows, latentDim], given `label` for a conditional decoder. */
  async decode(z: Float32Array, label = 0): Promise<Float32Array> {
    const rows = z.length / this.latentDim;
    const out = tf.tidy(() => {
      const codes = tf.tensor2d(z, [rows, this.latentDim]);
      const m = this.model;
      if (canDecode(m)) return m.decodeMean(codes);
      if (canDecodeGivenLabel(m)) return m.decodeMeanGiven(codes, tf.fill([rows], label, 'int32') as tf.Tensor1D);
      throw new Error(`model kind ${m.kind} has no decoder from codes to images`);
    });
    try {
      return (await out.data()) as Float32Array;
    } finally {
      out.dispose();
    }
  }

  /** Codes of images [rows, pixels]; a conditional encoder is given `labels` (one per row). */
  private codesOf(images: tf.Tensor2D, labels?: ArrayLike<number>): tf.Tensor2D {
    const m = this.model;
    if (canEncode(m)) return encodeMean(m, images);
    if (canEncodeGivenLabel(m)) {
      if (!labels) throw new Error(`model kind ${m.kind} encodes given a label`);
      return m.encodeMeanGiven(images, tf.tensor1d(Array.from(labels), 'int32'));
    }
    throw new Error(`model kind ${m.kind} has no encoder from images to codes`);
  }

  /**
   * classify and encode, read back without blocking: Chrome's WebGPU has no synchronous read, and tfjs' stand-in
   * for one (through an OffscreenCanvas) leaves the device unusable on some drivers.
   */
  classifyAsync(x: Float32Array): Promise<Float32Array | null> {
    const m = this.model;
    if (!isClassifier(m)) return Promise.resolve(null);
    return readBack(() => tf.exp(m.classifierLogProbs(tf.tensor2d(x, [x.length / this.pixels, this.pixels]))));
  }

  encodeAsync(x: Float32Array, labels?: ArrayLike<number>): Promise<Float32Array> {
    return readBack(() => this.codesOf(tf.tensor2d(x, [x.length / this.pixels, this.pixels]), labels));
  }

  /** Codes of the first `count` images of a data set, in chunks (the scatter's points), as reads to settle (src/tensorReads.ts). */
  *encodeDatasetReads(d: Dataset, count: number): Reads<Float32Array> {
    const n = Math.min(count, d.count);
    const order = inOrder(n);
    const z = new Float32Array(n * this.latentDim);
    for (let start = 0; start < n; start += CHUNK) {
      const end = Math.min(n, start + CHUNK);
      const images = gatherBatch(d, order, start, end);
      const labels = d.labels?.subarray(start, end);
      z.set(yield tf.tidy(() => this.codesOf(tf.tensor2d(images, [end - start, this.pixels]), labels)), start * this.latentDim);
    }
    return z;
  }

  /** Whether `d`'s images fit this model. */
  fits(d: Dataset): boolean {
    return imageSize(d) === this.pixels;
  }
}

/** The values of the tensor `f` makes, read without blocking; the tensor is disposed. */
async function readBack(f: () => tf.Tensor): Promise<Float32Array> {
  const t = tf.tidy(f);
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}
