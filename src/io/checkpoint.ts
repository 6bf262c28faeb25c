/**
 * A single-file binary checkpoint: JSON metadata plus named float32 tensors.
 *
 * Layout (format version 1):
 *   bytes 0..7    magic "VAEKIT\0" followed by the format version byte (1)
 *   bytes 8..11   uint32 LE: byte length H of the JSON header
 *   12..12+H      UTF-8 JSON header { meta, tensors: [{ name, length, offset }], dataBytes, crc32 }
 *   zero padding  up to a 4-byte boundary, so the data can be viewed as a Float32Array without copying twice
 *   data          float32 LE values of every tensor, back to back; exactly `dataBytes` bytes, nothing after
 *
 * In the header, `length` counts float32 elements and `offset` is a byte offset into the data section. `crc32`
 * is the CRC-32 of the data section as 8 lowercase hex digits: fixed width, so the header's length is known
 * before the checksum is, and the data is written straight into the output once.
 */

import { crc32 } from './crc32.js';

/** What a checkpoint holds. */
export interface CheckpointData {
  /** Any JSON-serializable object: resolved config, epoch, history, optimizer and RNG state, ... */
  meta: Record<string, unknown>;
  /** Named tensors, flattened; order is kept through a round trip. */
  tensors: Map<string, Float32Array>;
}

/** Format version written by this module and the only one it reads. */
export const CHECKPOINT_VERSION = 1;

const MAGIC = [0x56, 0x41, 0x45, 0x4b, 0x49, 0x54, 0x00]; // "VAEKIT\0"; the version byte follows
const PREFIX_BYTES = 12; // magic (8) + header length (4)
const CRC_PLACEHOLDER = '00000000';

interface TensorEntry {
  name: string;
  length: number;
  offset: number;
}

interface Header {
  meta: Record<string, unknown>;
  tensors: TensorEntry[];
  dataBytes: number;
  crc32: string;
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
  const header: Header = { meta: data.meta, tensors: entries, dataBytes, crc32: CRC_PLACEHOLDER };
  const encoder = new TextEncoder();
  const headerBytes = encoder.encode(JSON.stringify(header));
  const dataStart = align4(PREFIX_BYTES + headerBytes.length);

  const out = new Uint8Array(dataStart + dataBytes);
  out.set(MAGIC, 0);
  out[7] = CHECKPOINT_VERSION;
  new DataView(out.buffer).setUint32(8, headerBytes.length, true);
  let i = 0;
  for (const values of data.tensors.values()) {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), dataStart + entries[i++].offset);
  }
  const dataSection = out.subarray(dataStart);
  if (!HOST_IS_LE) swap32InPlace(dataSection);

  header.crc32 = crc32(dataSection).toString(16).padStart(8, '0');
  const finalHeader = encoder.encode(JSON.stringify(header));
  if (finalHeader.length !== headerBytes.length) throw new Error('checkpoint header changed length');
  out.set(finalHeader, PREFIX_BYTES);
  return out;
}

/**
 * Parses a checkpoint, checking magic, version, lengths, header shape and the data checksum. Every error
 * message starts with `source` (a file path or other name for the bytes). The returned tensors are views
 * into one fresh, aligned copy of the data section, so they stay valid whatever happens to `bytes`.
 */
export function decodeCheckpoint(bytes: Uint8Array, source: string): CheckpointData {
  const fail: (message: string) => never = (message) => {
    throw new Error(`${source}: ${message}`);
  };
  const found = bytes.length;

  for (let i = 0; i < MAGIC.length && i < found; i++) {
    if (bytes[i] !== MAGIC[i]) fail('not a vaekit checkpoint (bad magic)');
  }
  if (found < PREFIX_BYTES) fail(`truncated: expected at least ${PREFIX_BYTES} bytes, found ${found}`);
  if (bytes[7] !== CHECKPOINT_VERSION) {
    fail(`unsupported version ${bytes[7]} (this vaekit reads version ${CHECKPOINT_VERSION})`);
  }

  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  const headerEnd = PREFIX_BYTES + headerLength;
  if (headerEnd > found) fail(`truncated: expected at least ${headerEnd} bytes, found ${found}`);

  let parsed: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX_BYTES, headerEnd));
    parsed = JSON.parse(text);
  } catch (err) {
    fail(`corrupt header: ${(err as Error).message}`);
  }
  const header = checkHeader(parsed, fail);

  const dataStart = align4(headerEnd);
  const expected = dataStart + header.dataBytes;
  if (found < expected) fail(`truncated: expected ${expected} bytes, found ${found}`);
  if (found > expected) fail(`trailing bytes: expected ${expected} bytes, found ${found}`);
  for (let i = headerEnd; i < dataStart; i++) {
    if (bytes[i] !== 0) fail('corrupt: nonzero header padding');
  }

  // A fresh buffer starting at offset 0: every tensor offset (a multiple of 4) is then float-aligned.
  const data = new Uint8Array(header.dataBytes);
  data.set(bytes.subarray(dataStart, expected));
  const actualCrc = crc32(data).toString(16).padStart(8, '0');
  if (actualCrc !== header.crc32) fail('corrupt: checksum mismatch');
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
function checkHeader(parsed: unknown, fail: (message: string) => never): Header {
  if (!isObject(parsed)) return fail('corrupt header: not a JSON object');
  const { meta, tensors, dataBytes, crc32: crc } = parsed;
  if (!isObject(meta)) fail('corrupt header: "meta" must be an object');
  if (!isCount(dataBytes) || dataBytes % 4 !== 0) fail('corrupt header: "dataBytes" must be a non-negative multiple of 4');
  if (typeof crc !== 'string' || !/^[0-9a-f]{8}$/.test(crc)) fail('corrupt header: "crc32" must be 8 hex digits');
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
