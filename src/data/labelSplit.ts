/** Which training images keep their label in a semi-supervised run, and whether labels fit a model. */
import { ConfigError } from '../config/schema.js';
import { permutation, Rng, Stream } from '../rng.js';
import { Dataset } from './dataset.js';

/** Indices into the training set: the labelled ones, and the rest (used without their label). */
export interface LabelSplit {
  labelled: Uint32Array;
  unlabelled: Uint32Array;
}

/**
 * A balanced labelled subset as in Kingma et al. 2014, sec. 4.1: `count / numClasses` images of every class,
 * drawn by `new Rng(seed, Stream.labelledSplit)`; `count` 0 labels them all. Both lists are sorted.
 */
export function balancedLabelSplit(d: Dataset, count: number, numClasses: number, seed: number): LabelSplit {
  const labels = d.labels;
  if (!labels) throw new Error(`${d.name}: a semi-supervised run needs labels, and this data set has none`);
  const all = Uint32Array.from({ length: d.count }, (_, i) => i);
  if (count === 0 || count === d.count) return { labelled: all, unlabelled: new Uint32Array(0) };
  if (count % numClasses !== 0) throw new Error(`labelled: ${count} labels cannot be balanced over ${numClasses} classes: expected a multiple of ${numClasses}`);
  const perClass = count / numClasses;
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < d.count; i++) {
    if (labels[i] >= numClasses) throw new Error(`${d.name}: image ${i} has label ${labels[i]}, expected 0..${numClasses - 1}`);
    byClass[labels[i]].push(i);
  }
  const rng = new Rng(seed, Stream.labelledSplit);
  const chosen: number[] = [];
  byClass.forEach((members, c) => {
    if (members.length < perClass) throw new Error(`${d.name}: class ${c} has ${members.length} images, fewer than the ${perClass} labelled per class asked for`);
    const order = permutation(members.length, rng);
    for (let k = 0; k < perClass; k++) chosen.push(members[order[k]]);
  });
  const labelled = Uint32Array.from(chosen).sort();
  const isLabelled = new Uint8Array(d.count);
  for (const i of labelled) isLabelled[i] = 1;
  const unlabelled = all.filter((i) => !isLabelled[i]);
  return { labelled, unlabelled };
}

/** The labels of `indices[start..end)` as int32, in batch order. */
export function gatherLabels(d: Dataset, indices: ArrayLike<number>, start: number, end: number): Int32Array {
  if (!d.labels) throw new Error(`${d.name}: this data set has no labels`);
  const out = new Int32Array(end - start);
  for (let k = start; k < end; k++) out[k - start] = d.labels[indices[k]];
  return out;
}

/**
 * Refuses a label at or above `classes` (model.classes of a model that reads labels): a one-hot of it would be
 * all zeros, and the model would learn from it without a word. `source` names where the labels came from.
 */
export function checkLabelRange(labels: ArrayLike<number>, classes: number, source: string): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= classes) throw new ConfigError(`${source}: label ${labels[i]} of image ${i}: expected labels 0..${classes - 1} (model.classes ${classes})`);
  }
}
