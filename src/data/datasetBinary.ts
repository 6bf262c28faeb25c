/**
 * A data set as one compact binary message, for `vaekit serve` to hand images to the browser app without a
 * per-image format or a decoder library:
 *
 *   bytes 0..7     magic "VKDATA\0" + version byte (1)
 *   bytes 8..31    uint32 LE: count, height, width, channels, hasLabels (0 or 1), name byte length N
 *   32..32+N       the data set's name, UTF-8, zero-padded to a 4-byte boundary
 *   then           labels (count bytes) when hasLabels, then the pixels (count * height * width * channels bytes)
 *
 * The pixels are the Dataset's own bytes (0..255, image after image, channels last): nothing is converted.
 */
import { Dataset, imageSize } from './dataset.js';

const MAGIC = [0x56, 0x4b, 0x44, 0x41, 0x54, 0x41, 0x00]; // "VKDATA\0"; the version byte follows
export const DATASET_BINARY_VERSION = 1;
const FIXED_BYTES = 32;

/** The media type the server labels these messages with. */
export const DATASET_BINARY_TYPE = 'application/x-vaekit-dataset';

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Serializes `d` (all of it) into the format above. */
export function encodeDatasetBinary(d: Dataset): Uint8Array {
  const name = new TextEncoder().encode(d.name);
  const size = imageSize(d);
  const labelBytes = d.labels ? d.count : 0;
  const start = FIXED_BYTES + align4(name.length);
  const out = new Uint8Array(start + labelBytes + d.count * size);
  out.set(MAGIC, 0);
  out[7] = DATASET_BINARY_VERSION;
  const view = new DataView(out.buffer);
  [d.count, d.shape[0], d.shape[1], d.shape[2], d.labels ? 1 : 0, name.length].forEach((v, i) => view.setUint32(8 + 4 * i, v, true));
  out.set(name, FIXED_BYTES);
  if (d.labels) out.set(d.labels.subarray(0, d.count), start);
  out.set(d.images.subarray(0, d.count * size), start + labelBytes);
  return out;
}

/**
 * Parses a message written by `encodeDatasetBinary`, checking magic, version and exact length. Errors start
 * with `source` (a URL or file name). The returned arrays are views into `bytes`.
 */
export function decodeDatasetBinary(bytes: Uint8Array, source: string): Dataset {
  const fail = (message: string): never => {
    throw new Error(`${source}: ${message}`);
  };
  if (bytes.length < FIXED_BYTES || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a vaekit data set message (bad magic or too short)');
  if (bytes[7] !== DATASET_BINARY_VERSION) fail(`unsupported version ${bytes[7]} (this vaekit reads version ${DATASET_BINARY_VERSION})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [count, height, width, channels, hasLabels, nameLength] = [0, 1, 2, 3, 4, 5].map((i) => view.getUint32(8 + 4 * i, true));
  if (height < 1 || width < 1 || (channels !== 1 && channels !== 3)) fail(`bad image shape ${height}x${width}x${channels}: expected positive sizes and 1 or 3 channels`);
  if (hasLabels > 1) fail(`bad label flag ${hasLabels}: expected 0 or 1`);
  const start = FIXED_BYTES + align4(nameLength);
  const size = height * width * channels;
  const expected = start + (hasLabels ? count : 0) + count * size;
  if (bytes.length !== expected) fail(`expected ${expected} bytes for ${count} images of ${height}x${width}x${channels}, found ${bytes.length}`);
  const name = new TextDecoder().decode(bytes.subarray(FIXED_BYTES, FIXED_BYTES + nameLength));
  const labels = hasLabels ? bytes.subarray(start, start + count) : undefined;
  const images = bytes.subarray(start + (hasLabels ? count : 0), expected);
  return { name, images, labels, count, shape: [height, width, channels] };
}
