/**
 * Reader for the IDX format of LeCun's MNIST files (also used by Fashion-MNIST): two zero bytes, a type
 * byte, a dimension count, the dimensions as big-endian uint32, then the elements in row-major order.
 * Only unsigned bytes (type 0x08) are accepted: every image data set vaekit reads is stored that way.
 */
import { Dataset, MAX_IMAGE_PIXELS } from './dataset.js';

/** A parsed IDX file: its dimensions and its elements (a view into the input bytes, not a copy). */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Images from an IDX file of dims [count, height, width]. */
export interface IdxImages {
  images: Uint8Array;
  count: number;
  shape: [number, number, number];
}

const UBYTE = 0x08;

const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/** What an IDX header says: the dimensions, the header's length and the bytes the whole file must have. */
export interface IdxHeader {
  dims: number[];
  headerSize: number;
  /** headerSize + the product of the dims. */
  fileSize: number;
}

/**
 * Reads the header at the start of `bytes` (the whole file, or only its first bytes: the header is at most
 * 1024 bytes). Only unsigned bytes are accepted. Every error names `source` and says what was expected.
 */
export function parseIdxHeader(bytes: Uint8Array, source: string): IdxHeader {
  if (bytes.length < 4) {
    throw new Error(`${source}: truncated IDX header: expected at least 4 bytes, found ${bytes.length}`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const found = `${hex(bytes[0])} ${hex(bytes[1])}`;
    const hint = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (gzip data: decompress it first)' : '';
    throw new Error(`${source}: not an IDX file: expected magic bytes 00 00, found ${found}${hint}`);
  }
  const type = bytes[2];
  if (type !== UBYTE) {
    const name = TYPE_NAMES[type] ?? 'unknown type';
    throw new Error(`${source}: unsupported IDX element type: expected 0x08 (unsigned byte), found 0x${hex(type)} (${name})`);
  }
  const ndims = bytes[3];
  if (ndims === 0) throw new Error(`${source}: IDX header declares 0 dimensions: expected at least 1`);
  const headerSize = 4 + 4 * ndims;
  if (bytes.length < headerSize) {
    throw new Error(`${source}: truncated IDX header: expected ${headerSize} bytes for ${ndims} dimensions, found ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let size = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    size *= d;
  }
  return { dims, headerSize, fileSize: headerSize + size };
}

/**
 * Parses IDX bytes whose element type is unsigned byte. Every error names `source` and says what was
 * expected and what was found; the data length must match the dimensions exactly.
 */
export function parseIdx(bytes: Uint8Array, source: string): IdxArray {
  const { dims, headerSize, fileSize: expected } = parseIdxHeader(bytes, source);
  if (bytes.length < expected) {
    throw new Error(`${source}: truncated: expected ${expected} bytes for dims [${dims.join(', ')}], found ${bytes.length}`);
  }
  if (bytes.length > expected) {
    throw new Error(
      `${source}: ${bytes.length - expected} trailing bytes: expected ${expected} bytes for dims [${dims.join(', ')}], found ${bytes.length}`,
    );
  }
  return { dims, data: bytes.subarray(headerSize) };
}

/**
 * Reads a parsed IDX array as images: it must have 3 dims [count, height, width], at least one image, and
 * images of at least 1x1 and at most MAX_IMAGE_PIXELS; one channel.
 */
export function idxImages(parsed: IdxArray, source: string): IdxImages {
  if (parsed.dims.length !== 3) {
    throw new Error(
      `${source}: expected an image file with 3 dimensions [count, height, width], found ${parsed.dims.length} [${parsed.dims.join(', ')}]`,
    );
  }
  const [count, height, width] = parsed.dims;
  if (count === 0) throw new Error(`${source}: holds 0 images: expected at least one`);
  if (height === 0 || width === 0) throw new Error(`${source}: images of ${height}x${width} pixels: expected a height and width of at least 1`);
  if (height * width > MAX_IMAGE_PIXELS) {
    throw new Error(`${source}: images of ${height}x${width} pixels: expected at most ${MAX_IMAGE_PIXELS} pixels (4096x4096) per image`);
  }
  return { images: parsed.data, count, shape: [height, width, 1] };
}

/** Reads a parsed IDX array as labels: it must have 1 dim [count]. */
export function idxLabels(parsed: IdxArray, source: string): Uint8Array {
  if (parsed.dims.length !== 1) {
    throw new Error(`${source}: expected a label file with 1 dimension [count], found ${parsed.dims.length} [${parsed.dims.join(', ')}]`);
  }
  return parsed.data;
}

/** Joins images and labels into a Dataset; the counts must match (the message names both files). */
export function pairImagesLabels(
  name: string,
  images: IdxImages,
  imagesSource: string,
  labels: Uint8Array,
  labelsSource: string,
): Dataset {
  if (images.count !== labels.length) {
    throw new Error(
      `${imagesSource} holds ${images.count} images but ${labelsSource} holds ${labels.length} labels: expected equal counts`,
    );
  }
  return { name, images: images.images, labels, count: images.count, shape: images.shape };
}

/** Parses an IDX image file and its IDX label file into one Dataset. */
export function idxDataset(
  name: string,
  imageBytes: Uint8Array,
  imagesSource: string,
  labelBytes: Uint8Array,
  labelsSource: string,
): Dataset {
  const images = idxImages(parseIdx(imageBytes, imagesSource), imagesSource);
  const labels = idxLabels(parseIdx(labelBytes, labelsSource), labelsSource);
  return pairImagesLabels(name, images, imagesSource, labels, labelsSource);
}
