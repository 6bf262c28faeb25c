/**
 * A single-file binary checkpoint: JSON metadata plus named float32 tensors.
 *
 * Layout (format version 2):
 *   bytes 0..7    magic "VAEKIT\0" followed by the format version byte (2)
 *   bytes 8..11   uint32 LE: byte length H of the JSON header
 *   bytes 12..15  uint32 LE: CRC-32 of the whole file, these four bytes read as zero
 *   16..16+H      UTF-8 JSON header { meta, tensors: [{ name, length, offset }], dataBytes }
 *   zero padding  up to a 4-byte boundary, so the data can be viewed as a Float32Array without copying twice
 *   data          float32 LE values of every tensor, back to back; exactly `dataBytes` bytes, nothing after
 *
 * In the header, `length` counts float32 elements and `offset` is a byte offset into the data section. The
 * checksum covers the header too, so an edited config or position is caught as surely as a flipped weight.
 *
 * Version 1 is still read: its prefix is 12 bytes (no checksum field) and its header carries `crc32`, the
 * CRC-32 of the data section alone as 8 lowercase hex digits; its header is not covered.
 */

import { crc32 } from './crc32.js';

/** What a checkpoint holds. */
export interface CheckpointData {
  /** Any JSON-serializable object: resolved config, epoch, history, optimizer and RNG state, ... */
  meta: Record<string, unknown>;
  /** Named tensors, flattened; order is kept through a round trip. */
  tensors: Map<string, Float32Array>;
}

/** Format version written by this module; it also reads version 1. */
export const CHECKPOINT_VERSION = 2;

const MAGIC = [0x56, 0x41, 0x45, 0x4b, 0x49, 0x54, 0x00]; // "VAEKIT\0"; the version byte follows
const PREFIX_BYTES = 16; // magic (8) + header length (4) + checksum (4)
const CRC_AT = 12;
const V1_PREFIX_BYTES = 12; // magic (8) + header length (4)

interface TensorEntry {
  name: string;
  length: number;
  offset: number;
}

interface Header {
  meta: Record<string, unknown>;
  tensors: TensorEntry[];
  dataBytes: number;
  /** Version 1 only: the data section's CRC-32 as 8 hex digits. */
  crc32?: string;
}

// Float32Array uses host byte order; the file is little-endian. Every current target is LE, but a
// big-endian host still gets correct files through swap32InPlace.
const HOST_IS_LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function swap32InPlace(bytes: Uint8Array): void {
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const a = bytes[i];
    const b = bytes[i + 1];
    bytes[i] = bytes[i + 3];
    bytes[i + 1] = bytes[i + 2];
    bytes[i + 2] = b;
    bytes[i + 3] = a;
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Serializes `data` into the single-file format described at the top of this module. */
export function encodeCheckpoint(data: CheckpointData): Uint8Array {
  const entries: TensorEntry[] = [];
  let dataBytes = 0;
  for (const [name, values] of data.tensors) {
    entries.push({ name, length: values.length, offset: dataBytes });
    dataBytes += values.byteLength;
  }
  const header: Header = { meta: data.meta, tensors: entries, dataBytes };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align4(PREFIX_BYTES + headerBytes.length);

  const out = new Uint8Array(dataStart + dataBytes);
  out.set(MAGIC, 0);
  out[7] = CHECKPOINT_VERSION;
  const view = new DataView(out.buffer);
  view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, PREFIX_BYTES);
  let i = 0;
  for (const values of data.tensors.values()) {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), dataStart + entries[i++].offset);
  }
  if (!HOST_IS_LE) swap32InPlace(out.subarray(dataStart));
  view.setUint32(CRC_AT, crc32(out), true); // the checksum field is still zero here
  return out;
}

/** CRC-32 of a version 2 file with its checksum field read as zero. */
function fileCrc(bytes: Uint8Array): number {
  const head = crc32(new Uint8Array(4), crc32(bytes.subarray(0, CRC_AT)));
  return crc32(bytes.subarray(CRC_AT + 4), head);
}

/**
 * Parses a checkpoint, checking magic, version, lengths, header shape and the checksum (of the whole file; of
 * the data alone in version 1). Every error message starts with `source` (a file path or other name for the
 * bytes). The returned tensors are views into one fresh, aligned copy of the data section, so they stay valid
 * whatever happens to `bytes`.
 */
export function decodeCheckpoint(bytes: Uint8Array, source: string): CheckpointData {
  const fail: (message: string) => never = (message) => {
    throw new Error(`${source}: ${message}`);
  };
  const found = bytes.length;

  for (let i = 0; i < MAGIC.length && i < found; i++) {
    if (bytes[i] !== MAGIC[i]) fail('not a vaekit checkpoint (bad magic)');
  }
  const version = found > 7 ? bytes[7] : CHECKPOINT_VERSION;
  if (version !== 1 && version !== CHECKPOINT_VERSION) {
    fail(`unsupported version ${version} (this vaekit reads versions 1 and ${CHECKPOINT_VERSION})`);
  }
  const prefixBytes = version === 1 ? V1_PREFIX_BYTES : PREFIX_BYTES;
  if (found < prefixBytes) fail(`truncated: expected at least ${prefixBytes} bytes, found ${found}`);

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  const headerEnd = prefixBytes + headerLength;
  if (headerEnd > found) fail(`truncated: expected at least ${headerEnd} bytes, found ${found}`);

  let parsed: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(prefixBytes, headerEnd));
    parsed = JSON.parse(text);
  } catch (err) {
    fail(`corrupt header: ${(err as Error).message}`);
  }
  const header = checkHeader(parsed, version, fail);

  const dataStart = align4(headerEnd);
  const expected = dataStart + header.dataBytes;
  if (found < expected) fail(`truncated: expected ${expected} bytes, found ${found}`);
  if (found > expected) fail(`trailing bytes: expected ${expected} bytes, found ${found}`);
  for (let i = headerEnd; i < dataStart; i++) {
    if (bytes[i] !== 0) fail('corrupt: nonzero header padding');
  }

  const checksumMismatch = 'corrupt: checksum mismatch (the file changed after it was written)';
  if (version !== 1 && fileCrc(bytes) !== view.getUint32(CRC_AT, true)) fail(checksumMismatch);

  // A fresh buffer starting at offset 0: every tensor offset (a multiple of 4) is then float-aligned.
  const data = new Uint8Array(header.dataBytes);
  data.set(bytes.subarray(dataStart, expected));
  if (version === 1 && crc32(data).toString(16).padStart(8, '0') !== header.crc32) fail(checksumMismatch);
  if (!HOST_IS_LE) swap32InPlace(data);

  const tensors = new Map<string, Float32Array>();
  for (const t of header.tensors) tensors.set(t.name, new Float32Array(data.buffer, t.offset, t.length));
  return { meta: header.meta, tensors };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Checks the parsed header's shape and that every tensor lies inside the data section. */
function checkHeader(parsed: unknown, version: number, fail: (message: string) => never): Header {
  if (!isObject(parsed)) return fail('corrupt header: not a JSON object');
  const { meta, tensors, dataBytes, crc32: crc } = parsed;
  if (!isObject(meta)) fail('corrupt header: "meta" must be an object');
  if (!isCount(dataBytes) || dataBytes % 4 !== 0) fail('corrupt header: "dataBytes" must be a non-negative multiple of 4');
  if (version === 1 && (typeof crc !== 'string' || !/^[0-9a-f]{8}$/.test(crc))) fail('corrupt header: "crc32" must be 8 hex digits');
  if (!Array.isArray(tensors)) return fail('corrupt header: "tensors" must be an array');

  const names = new Set<string>();
  for (const [i, t] of tensors.entries()) {
    if (!isObject(t) || typeof t.name !== 'string' || !isCount(t.length) || !isCount(t.offset)) {
      fail(`corrupt header: tensor ${i} needs a string "name" and integer "length" and "offset"`);
    }
    const { name, length, offset } = t as Record<string, unknown> & TensorEntry;
    if (names.has(name)) fail(`corrupt header: duplicate tensor "${name}"`);
    names.add(name);
    if (offset % 4 !== 0 || offset + 4 * length > (dataBytes as number)) {
      fail(`corrupt header: tensor "${name}" (offset ${offset}, ${length} floats) lies outside the data section`);
    }
  }
  return parsed as unknown as Header;
}
