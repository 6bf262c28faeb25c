/** The data section of a run's config: where the data comes from and how it is prepared. */
import { FieldSpec } from '../config/schema.js';

/** Where the data comes from and how it is prepared. */
export interface DataConfig {
  /** mnist | fashion-mnist | binarized-mnist | cifar10 | a directory of IDX files, CIFAR-10 .bin batches or images. Default 'mnist'. */
  data: string;
  /** Directory holding the data set's files (null: the data set's default place). Default null. */
  dataDir: string | null;
  /** none: grey levels; dynamic: a fresh Bernoulli draw per epoch; static: drawn once. Default 'dynamic'. */
  binarize: 'none' | 'dynamic' | 'static';
  /**
   * Training images held out for validation (0: none); 'auto': a tenth of the training images (after `limit`),
   * at most 5000, so MNIST's 60,000 give 55,000 and 5,000. Default 'auto'.
   */
  valSize: number | 'auto';
  /** Use only the first N images of the training set, before the validation split (0: all). Default 0. */
  limit: number;
  /**
   * Side of the square images a folder of PNG/JPEG images is fitted to (centre crop, resize), at most 1024.
   * Image folders only: a run saves the value its folder was read with, and no value for other sources. Default 32.
   */
  imageSize?: number;
  /** Channels of a folder's images: 3 (RGB) or 1 (grey). Image folders only, as imageSize. Default 3. */
  channels?: number;
  /**
   * How an image folder's training images are held: 'always' read as a stream, a batch at a time, decoded ahead
   * of the trainer; 'never' decoded into memory at start; 'auto' streams when their bytes would exceed the data
   * budget (a quarter of the memory the process may use). Other sources are read into memory. Training gives
   * the same losses either way, so a resumed run may change it. Default 'auto'.
   */
  stream: 'auto' | 'always' | 'never';
}

export const DATA_DEFAULTS: DataConfig = { data: 'mnist', dataDir: null, binarize: 'dynamic', valSize: 'auto', limit: 0, stream: 'auto' };
/** The image-folder settings when not given; the folder reader's own defaults (src/node/imageFolder.ts). */
export const IMAGE_FOLDER_DEFAULTS = { imageSize: 32, channels: 3 } as const;

/** The largest side an image folder is fitted to: 1024 x 1024 x 3 is already 3 million values per image. */
export const MAX_IMAGE_SIZE = 1024;

export const DATA_FIELDS: FieldSpec[] = [
  { key: 'data', flag: 'data', help: 'mnist | fashion-mnist | binarized-mnist | cifar10 | a directory of IDX files, of CIFAR-10 .bin batches, or of PNG/JPEG images (sub-folders name the labels)', type: { type: 'string' } },
  { key: 'dataDir', flag: 'data-dir', help: 'directory holding the data set files (default: the data set\'s usual place)', type: { type: 'string', nullable: true } },
  { key: 'binarize', flag: 'binarize', help: 'none: grey levels; dynamic: fresh Bernoulli draw each epoch; static: drawn once (for --data cifar10 the default is none: colour images are not binarized)', type: { type: 'enum', choices: ['none', 'dynamic', 'static'] } },
  { key: 'valSize', flag: 'val-size', help: 'training images held out for validation (0: none; auto: a tenth of the training images after --limit, at most 5000)', type: { type: 'int', min: 0, orAuto: true } },
  { key: 'limit', flag: 'limit', help: 'use only the first N images of the training set, before the validation split (0: all)', type: { type: 'int', min: 0 } },
  { key: 'imageSize', flag: 'image-size', help: 'image folders: side of the square images (centre crop, then area or bilinear resize)', type: { type: 'int', min: 1, max: MAX_IMAGE_SIZE } },
  { key: 'channels', flag: 'channels', help: 'image folders: 3 (RGB) or 1 (grey)', type: { type: 'int', min: 1 } },
  { key: 'stream', flag: 'stream', help: 'image folders: always: read the training images a batch at a time, decoded ahead of training; never: decode them into memory; auto: stream when they exceed a quarter of the memory the process may use', type: { type: 'enum', choices: ['auto', 'always', 'never'] } },
];

/** The settings a data source was read with, beyond the common ones: an image folder's size and channels. */
export type ReaderSettings = Pick<DataConfig, 'imageSize' | 'channels'>;

/**
 * The data config as a run saves it: the reader settings (imageSize, channels) the source was read with, and
 * none for a source that takes none (IDX, CIFAR-10), whatever a config or an older checkpoint held.
 */
export function dataConfigFor(data: DataConfig, readerSettings: ReaderSettings | undefined): DataConfig {
  const { imageSize: _size, channels: _channels, ...common } = data;
  return { ...common, ...readerSettings };
}

