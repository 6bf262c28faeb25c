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
export function imageSize(d: Dataset): number {
  return d.shape[0] * d.shape[1] * d.shape[2];
}
