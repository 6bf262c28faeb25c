import * as tf from '@tensorflow/tfjs';
import { Dataset, imageSize } from '../data/dataset.js';
import { gatherBatch } from '../data/transforms.js';
import { LabelledDecoder, LabelledEncoder } from './capabilities.js';
import { datasetImages } from './decode.js';
import { GridOptions, imageGrid } from './grid.js';
import { imagesFromBatch, RgbaImage } from './image.js';

/**
 * Analogies (Kingma et al. 2014, fig. 1): row r holds test image indices[r], then its code z = the mean of
 * q(z|x,y) with its true label, decoded with every label 0..K-1: the style kept, the digit changed.
 */
export function analogyImage(model: LabelledEncoder & LabelledDecoder, data: Dataset, indices: ArrayLike<number>, opts: Omit<GridOptions, 'columns'> = {}): RgbaImage {
  if (!data.labels) throw new Error(`${data.name}: analogies need the labels of the test images`);
  const n = indices.length;
  const K = model.numClasses;
  const x = gatherBatch(data, indices, 0, n);
  const labels = Int32Array.from({ length: n }, (_, i) => data.labels![indices[i]]);
  const decoded = tf.tidy(() => {
    const z = model.encodeMeanGiven(tf.tensor2d(x, [n, imageSize(data)]), tf.tensor1d(labels, 'int32'));
    // Label-major rows: every code with label 0, then every code with label 1, ...
    const zAll = tf.concat(new Array<tf.Tensor2D>(K).fill(z), 0);
    const yAll = tf.tensor1d(Int32Array.from({ length: K * n }, (_, i) => Math.floor(i / n)), 'int32');
    return model.decodeMeanGiven(zAll, yAll).dataSync();
  });
  const images = imagesFromBatch(decoded, K * n, data.shape);
  const real = datasetImages(data, indices);
  const cells: RgbaImage[] = [];
  for (let r = 0; r < n; r++) cells.push(real[r], ...Array.from({ length: K }, (_, c) => images[c * n + r]));
  return imageGrid(cells, { ...opts, columns: K + 1 });
}
