/**
 * An in-memory image data set: `count` images of `shape` = [height, width, channels], pixels as bytes
 * 0..255 laid out image after image (row-major, channels last), optional labels 0..numClasses-1.
 */
export interface Dataset {
  /** Human-readable origin, used in messages ("mnist train", a file path, ...). */
  name: string;
  images: Uint8Array;
  labels?: Uint8Array;
  /** Names of the labels by value (CIFAR-10's classes, an image folder's sub-folders), where known. */
  classNames?: string[];
  count: number;
  shape: [number, number, number];
}

/** Pixels per image (height x width x channels). */
export function imageSize(d: Pick<Dataset, 'shape'>): number {
  return d.shape[0] * d.shape[1] * d.shape[2];
}

/**
 * The most pixels one image may have, in every reader: 4096 x 4096 (16 Mpixel). Larger images are refused
 * from their declared size, before anything is decoded or allocated.
 */
export const MAX_IMAGE_PIXELS = 4096 * 4096;
