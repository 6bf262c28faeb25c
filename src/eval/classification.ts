/** Classification by a model's q(y|x): predictions, error rate and confusion matrix on a labelled data set. */
import * as tf from '@tensorflow/tfjs';
import { Dataset, imageSize } from '../data/dataset.js';
import { gatherBatch, inOrder } from '../data/transforms.js';
import { Classifier } from '../models/labelled.js';
import { Reads, settleSync } from '../tensorReads.js';

/** The most probable label under q(y|x) of every image, in order. Changes nothing in the model. */
export function predictLabels(model: Classifier, data: Dataset, opts: { batchSize?: number; onProgress?(done: number, total: number): void } = {}): Uint8Array {
  return settleSync(predictLabelsReads(model, data, opts));
}

/** predictLabels as reads to settle (src/tensorReads.ts): asynchronously where the backend asks. */
export function* predictLabelsReads(model: Classifier, data: Dataset, opts: { batchSize?: number; onProgress?(done: number, total: number): void } = {}): Reads<Uint8Array> {
  const batchSize = opts.batchSize ?? 1000;
  const dim = imageSize(data);
  const order = inOrder(data.count);
  const out = new Uint8Array(data.count);
  for (let start = 0; start < data.count; start += batchSize) {
    const end = Math.min(start + batchSize, data.count);
    const x = gatherBatch(data, order, start, end);
    out.set(yield tf.tidy(() => tf.argMax(model.classifierLogProbs(tf.tensor2d(x, [end - start, dim])), 1)), start);
    opts.onProgress?.(end, data.count);
  }
  return out;
}

function requireLabels(data: Dataset): Uint8Array {
  if (!data.labels) throw new Error(`${data.name}: classification error needs labels, and this data set has none`);
  return data.labels;
}

/** Fraction of predictions that differ from the labels. */
export function errorRate(labels: ArrayLike<number>, predictions: ArrayLike<number>): number {
  if (labels.length !== predictions.length) throw new Error(`${labels.length} labels but ${predictions.length} predictions`);
  let wrong = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] !== predictions[i]) wrong++;
  return labels.length === 0 ? 0 : wrong / labels.length;
}

/** counts[t * K + p]: images of true label t predicted as p. */
export function confusionMatrix(labels: ArrayLike<number>, predictions: ArrayLike<number>, numClasses: number): Uint32Array {
  const counts = new Uint32Array(numClasses * numClasses);
  for (let i = 0; i < labels.length; i++) counts[labels[i] * numClasses + predictions[i]]++;
  return counts;
}

/** Test (or validation) error of q(y|x) on a labelled data set. */
export function classificationError(model: Classifier, data: Dataset, opts: { batchSize?: number; onProgress?(done: number, total: number): void } = {}): number {
  return settleSync(classificationErrorReads(model, data, opts));
}

/** classificationError as reads to settle (src/tensorReads.ts): asynchronously where the backend asks. */
export function* classificationErrorReads(model: Classifier, data: Dataset, opts: { batchSize?: number; onProgress?(done: number, total: number): void } = {}): Reads<number> {
  const labels = requireLabels(data);
  return errorRate(labels, yield* predictLabelsReads(model, data, opts));
}
