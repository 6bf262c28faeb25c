/**
 * The data a training session reads: an image folder in memory or as a stream (data.stream, the data budget),
 * any other source in memory; and what it holds in memory, for the training log and `vaekit info`.
 */
import path from 'node:path';
import { ConfigError } from '../config/schema.js';
import { DataConfig } from '../data/config.js';
import { Dataset, imageSize } from '../data/dataset.js';
import { isStreamed, pixelBytes, readWhole, TrainImages } from '../data/streamed.js';
import { cacheBytes } from '../data/streamedBatches.js';
import { checkLabelRange } from '../data/labelSplit.js';
import { bytesText, dataBudget } from './dataBudget.js';
import { DatasetSpec, imageFolderOf, LoadedData, loadDataset } from './datasets.js';
import { DecodePool } from './decodePool.js';
import { checkDeclaredSizes } from './imageDecode.js';
import { openImageFolder } from './imageFolder.js';

/** The most images a folder read whole into memory decodes on the main thread, without decoding threads to start. */
const IN_THREAD_MAX = 1000;

/** How a data set's training images are held. */
export interface DataStorage {
  /** Read as a stream (an image folder too large for the budget, or data.stream 'always'), or decoded in memory. */
  streamed: boolean;
  /** Bytes of the training images as uint8: held in memory, or read a batch at a time when streamed. */
  imageBytes: number;
  /** The data budget they were weighed against (data.stream 'auto'), and what sets it. */
  budget: { bytes: number; by: string };
  /** Why they are held so. */
  reason: string;
}

/** A data set as a training session reads it. */
export interface TrainingData extends Omit<LoadedData, 'train' | 'test'> {
  train: TrainImages;
  storage: DataStorage;
  /** Stops the decoding threads of a streamed set. */
  close(): Promise<void>;
}

/** How `count` training images (the first `limit`, if set) of `shape` are held under `stream`. */
export function planStorage(count: number, shape: [number, number, number], dc: Pick<DataConfig, 'stream' | 'limit'>, folder: boolean): DataStorage {
  const imageBytes = pixelBytes(dc.limit > 0 ? Math.min(dc.limit, count) : count, shape);
  const budget = dataBudget();
  const over = imageBytes > budget.bytes;
  if (!folder) {
    if (dc.stream === 'always') throw new ConfigError("data.stream 'always': only folders of images are read as a stream; this data set is read into memory");
    return { streamed: false, imageBytes, budget, reason: 'only image folders stream' };
  }
  if (dc.stream !== 'auto') return { streamed: dc.stream === 'always', imageBytes, budget, reason: `data.stream '${dc.stream}'` };
  return { streamed: over, imageBytes, budget, reason: `data.stream 'auto': ${over ? 'above' : 'within'} the data budget` };
}

/**
 * Reads the training data of `spec`: an image folder is opened (listed, split, nothing decoded) and, unless
 * `planStorage` streams it, decoded into memory; its validation images are always decoded (prepareTrainImages).
 * The test split of a streamed folder is left unread. Close the result when done.
 */
export async function loadTrainingData(spec: DatasetSpec, dc: Pick<DataConfig, 'stream' | 'limit'>): Promise<TrainingData> {
  const folder = imageFolderOf(spec);
  if (!folder) {
    const { test: _test, ...loaded } = await loadDataset(spec);
    return { ...loaded, storage: planStorage(loaded.train.count, loaded.train.shape, dc, false), close: async () => {} };
  }
  const { dir, imageSize: size, channels } = folder;
  const opened = openImageFolder(dir, { imageSize: size, channels, threads: 0 });
  if (spec.classes !== undefined && opened.train.labels) checkLabelRange(opened.train.labels, spec.classes, opened.train.name);
  const storage = planStorage(opened.train.count, opened.train.shape, dc, true);
  const common = { source: path.resolve(dir), settings: { imageSize: size, channels }, storage };
  if (storage.streamed) {
    checkDeclaredSizes(opened.files.files, opened.files.shown);
    const pool = new DecodePool(opened.files);
    return { ...common, train: { ...opened.train, reader: pool }, close: () => pool.close() };
  }
  // Decoding threads for a read whole that is worth their start-up.
  const pool = opened.train.count > IN_THREAD_MAX ? new DecodePool(opened.files) : null;
  try {
    return { ...common, train: await readWhole(pool ? { ...opened.train, reader: pool } : opened.train), close: async () => {} };
  } finally {
    await pool?.close();
  }
}

/** Bytes the cache of a streamed set's read batches holds at most: the current batch and those read ahead. */
export function streamCacheBytes(train: TrainImages, batchSize: number): number {
  return isStreamed(train) ? cacheBytes(train.count, batchSize, imageSize(train)) : 0;
}

/** Bytes of images a run holds in memory: its training images unless streamed, and its validation images. */
export function heldBytes(train: TrainImages, val: Dataset | undefined): number {
  return (isStreamed(train) ? 0 : train.images.length) + (val?.images.length ?? 0);
}

/** One line on how the training images are held, for the training log and `vaekit info`. */
export function storageText(s: DataStorage & { heldBytes?: number; cacheBytes?: number }): string {
  const budget = `the data budget of ${bytesText(s.budget.bytes)}, ${s.budget.by}`;
  const why = s.reason.startsWith("data.stream 'auto'") ? `${s.reason.replace(/the data budget$/, budget)}` : s.reason;
  if (!s.streamed) {
    const held = s.heldBytes === undefined ? '' : `; ${bytesText(s.heldBytes)} of images in memory with the validation set`;
    return `in memory: ${bytesText(s.imageBytes)} of training images as bytes (${why})${held}`;
  }
  const cache = s.cacheBytes === undefined ? '' : `; cache of decoded batches at most ${bytesText(s.cacheBytes)}`;
  const held = s.heldBytes === undefined ? '' : `; ${bytesText(s.heldBytes)} of validation images in memory`;
  return `streamed: ${bytesText(s.imageBytes)} of training images read a batch at a time, decoded ahead in worker threads (${why})${cache}${held}`;
}

/** What `vaekit info --data` says of a data set: its splits, and how training would hold it. */
export interface DataSetDescription {
  source: string;
  train: number;
  test: number;
  shape: [number, number, number];
  storage: DataStorage;
}

/** Describes a data set without decoding an image folder (it is listed and split only). */
export async function describeDataSet(spec: DatasetSpec, dc: Pick<DataConfig, 'stream' | 'limit'>): Promise<DataSetDescription> {
  const folder = imageFolderOf(spec);
  if (!folder) {
    const loaded = await loadDataset(spec);
    const storage = planStorage(loaded.train.count, loaded.train.shape, dc, false);
    return { source: loaded.source, train: loaded.train.count, test: loaded.test.count, shape: loaded.train.shape, storage };
  }
  const opened = openImageFolder(folder.dir, { imageSize: folder.imageSize, channels: folder.channels, threads: 0 });
  const storage = planStorage(opened.train.count, opened.train.shape, dc, true);
  return { source: path.resolve(folder.dir), train: opened.train.count, test: opened.test.count, shape: opened.train.shape, storage };
}
