/**
 * A trained run as a user holds it: its config, its training record, and its model as plain-array functions
 * (encode images to codes, decode codes to images, sample the prior). Browser-safe: in Node, `fit` and `loadRun`
 * return one; in a browser, `openRun` makes one from a checkpoint's bytes.
 */
import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../config/run.js';
import { Dataset, imageSize } from '../data/dataset.js';
import { gatherBatch } from '../data/transforms.js';
import type { Model } from '../models/types.js';
import type { TrainState } from '../train/state.js';
import { canDecode, canEncode, encodeMean, hasPrior } from '../views/capabilities.js';
import { modelPriorCodes } from '../views/samples.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { disposeRun, Run, runFromCheckpoint, runToCheckpoint } from './run.js';

/** Rows per forward pass: bounds memory for large inputs. */
const CHUNK = 500;

/** Images given to `encode`: a data set (bytes 0..255), or pixels in [0, 1] laid out image after image. */
export type ImagesInput = Dataset | Float32Array;

/** A trained model with its config and training record; `dispose` frees its tensors. */
export class TrainedRun {
  /** @param run the model, optimizer, config and state; @param dir the run directory, or null when not on disk. */
  constructor(
    private readonly run: Run,
    /** The run directory it was trained into or loaded from; null for a run from bytes. */
    readonly dir: string | null = null,
    /** 'stopped' when training was interrupted before its last epoch (it can be resumed). */
    readonly status: 'finished' | 'stopped' = 'finished',
  ) {}

  /** The resolved config the run was trained with. */
  get config(): RunConfig {
    return this.run.config;
  }

  /** Epochs trained, the history of each epoch's figures, the best epoch. */
  get state(): TrainState {
    return this.run.state;
  }

  /** The image shape [height, width, channels] the model takes. */
  get inputShape(): [number, number, number] {
    return this.run.inputShape;
  }

  /** The model itself, for the building blocks (vaekit/views, vaekit/eval). */
  get model(): Model {
    return this.run.model;
  }

  /** Size of the code (latent) space. */
  get latentDim(): number {
    return this.run.config.model.latentDim;
  }

  /** Pixels per image (height x width x channels). */
  get imageSize(): number {
    const [h, w, c] = this.run.inputShape;
    return h * w * c;
  }

  /**
   * The code of each image [count, latentDim], row after row: for a VAE the mean of q(z|x), for an autoencoder
   * its deterministic code. Throws for a model without an encoder of images alone (a CVAE needs the label).
   */
  encode(images: ImagesInput): Float32Array {
    const model = this.run.model;
    if (!canEncode(model)) throw new Error(`a ${model.kind} model has no encoder of images alone`);
    const dim = this.imageSize;
    const count = images instanceof Float32Array ? images.length / dim : images.count;
    if (!Number.isInteger(count)) throw new Error(`${(images as Float32Array).length} pixels are not whole images of ${this.inputShape.join('x')}`);
    if (!(images instanceof Float32Array) && imageSize(images) !== dim) throw new Error(`the model takes ${this.inputShape.join('x')} images, not ${images.shape.join('x')}`);
    const k = model.latentDim;
    const z = new Float32Array(count * k);
    const order = images instanceof Float32Array ? null : Uint32Array.from({ length: count }, (_, i) => i);
    for (let start = 0; start < count; start += CHUNK) {
      const end = Math.min(count, start + CHUNK);
      const x = order ? gatherBatch(images as Dataset, order, start, end) : (images as Float32Array).subarray(start * dim, end * dim);
      const mean = tf.tidy(() => encodeMean(model, tf.tensor2d(x, [end - start, dim])));
      z.set(mean.dataSync(), start * k);
      mean.dispose();
    }
    return z;
  }

  /**
   * The mean image of p(x|z) for each code [count, latentDim] (an autoencoder's reconstruction), pixels in
   * [0, 1], image after image [count, height * width * channels].
   */
  decode(codes: Float32Array): Float32Array {
    const model = this.run.model;
    if (!canDecode(model)) throw new Error(`a ${model.kind} model has no decoder of codes alone`);
    const k = model.latentDim;
    if (codes.length % k !== 0) throw new Error(`codes of length ${codes.length} are not rows of the latent size ${k}`);
    const count = codes.length / k;
    const dim = this.imageSize;
    const out = new Float32Array(count * dim);
    for (let start = 0; start < count; start += CHUNK) {
      const end = Math.min(count, start + CHUNK);
      const x = tf.tidy(() => model.decodeMean(tf.tensor2d(codes.subarray(start * k, end * k), [end - start, k])));
      out.set(x.dataSync(), start * dim);
      x.dispose();
    }
    return out;
  }

  /** `n` samples of the model: codes z ~ p(z) of its prior (reproducible from `seed`, default 0), decoded to mean images. */
  sample(n: number, opts: { seed?: number } = {}): Float32Array {
    const model = this.run.model;
    if (!canDecode(model) || !hasPrior(model)) throw new Error(`a ${model.kind} model has no prior to sample from`);
    return this.decode(modelPriorCodes(model, n, opts.seed ?? 0));
  }

  /** The run as checkpoint bytes, what `openRun` reads; `weightsOnly` leaves out the optimizer state (a third of the size). */
  checkpointBytes(opts: { weightsOnly?: boolean } = {}): Uint8Array {
    return encodeCheckpoint(runToCheckpoint(this.run, opts));
  }

  /** Frees the model's and optimizer's tensors; the run cannot be used afterwards. */
  dispose(): void {
    disposeRun(this.run);
  }
}

/** A run from the bytes of a checkpoint file (last.ckpt, best.ckpt): in a browser, from a fetch or a file input. */
export function openRun(bytes: Uint8Array, source = 'checkpoint'): TrainedRun {
  return new TrainedRun(runFromCheckpoint(decodeCheckpoint(bytes, source), source));
}
