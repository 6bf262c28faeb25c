/**
 * Reading a data file that may or may not be gzip-compressed. The gzip magic bytes decide, not the file
 * name: Debian ships some data sets compressed under varied names, and users gunzip files in place.
 * Decompression stops at the size the file declares (its own header where the format has one, else the
 * gzip trailer), so a small file that inflates to gigabytes is refused early and cheaply.
 */
import { promisify } from 'node:util';
import { createGunzip, gunzip } from 'node:zlib';
import { NotAFileError, readRegularFile } from './files.js';

const gunzipAsync = promisify(gunzip);

/**
 * The most bytes a data file may hold, as stored or decompressed: 2 GiB - 1, what Node reads from one file at
 * once. Every data set vaekit reads is far smaller (MNIST's training images: 47 MB).
 */
export const MAX_DATA_BYTES = 2 ** 31 - 1;

/** Decompressed bytes handed to `DeclaredSize`: enough for any IDX header (4 + 4 * 255 bytes). */
export const HEAD_BYTES = 1024;

/**
 * The size a file's contents declare from their first bytes (`head`: at most HEAD_BYTES, fewer when the
 * contents are shorter), and who declares it, for messages ("its IDX header (dims [2, 28, 28])"). Throws
 * when the head is malformed.
 */
export type DeclaredSize = (head: Uint8Array) => { bytes: number; by: string };

/** True when `bytes` start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** A plain Uint8Array view of a Buffer: Buffer's `slice` shares memory where Uint8Array's copies. */
function plain(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** The first `n` decompressed bytes (fewer if the contents are shorter), without inflating the rest. */
function gunzipHead(raw: Uint8Array, n: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const z = createGunzip();
    const parts: Buffer[] = [];
    let got = 0;
    const finish = () => resolve(plain(Buffer.concat(parts)).subarray(0, n));
    z.on('data', (chunk: Buffer) => {
      parts.push(chunk);
      got += chunk.length;
      if (got >= n) {
        z.destroy();
        finish();
      }
    });
    z.on('end', finish);
    z.on('error', reject);
    z.end(raw);
  });
}

/** ISIZE, the last four bytes of a gzip member: the uncompressed length modulo 2^32. */
function trailerSize(raw: Uint8Array): number {
  const n = raw.length;
  return n < 18 ? 0 : (raw[n - 4] | (raw[n - 3] << 8) | (raw[n - 2] << 16) | (raw[n - 1] << 24)) >>> 0;
}

/**
 * The contents of `file`, decompressed when gzipped; errors name the file. The file must be a regular file
 * (a FIFO would block forever). `declared` reads the size from the contents' own header; without it the gzip
 * trailer's size is the limit. Either way at most MAX_DATA_BYTES.
 */
export async function readMaybeGzip(file: string, declared?: DeclaredSize): Promise<Uint8Array> {
  let raw: Buffer;
  try {
    raw = await readRegularFile(file);
  } catch (err) {
    if (err instanceof NotAFileError) throw new Error(err.message);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${file}: file not found`);
    throw new Error(`${file}: cannot read: ${(err as Error).message}`);
  }
  if (!isGzip(raw)) return plain(raw);
  let head: Uint8Array | undefined;
  if (declared) {
    try {
      head = await gunzipHead(raw, HEAD_BYTES);
    } catch (err) {
      throw new Error(`${file}: corrupt gzip data: ${(err as Error).message}`);
    }
  }
  const { bytes, by } = head ? declared!(head) : { bytes: trailerSize(raw), by: 'its gzip trailer' };
  if (head && bytes > MAX_DATA_BYTES) {
    throw new Error(`${file}: ${by} declares ${bytes} bytes: expected at most ${MAX_DATA_BYTES} (2 GiB), the most a data file may hold`);
  }
  const limit = Math.min(bytes, MAX_DATA_BYTES);
  const tooLarge = () => {
    const why = bytes > MAX_DATA_BYTES ? `the ${MAX_DATA_BYTES} (2 GiB) a data file may hold` : `the ${bytes} bytes ${by} declares`;
    // Without a header of its own the trailer may be what is broken, so that case keeps the word corrupt.
    return new Error(`${file}: ${head ? '' : 'corrupt gzip data: '}decompresses to more than ${why}`);
  };
  let out: Buffer;
  try {
    out = await gunzipAsync(raw, { maxOutputLength: Math.max(1, limit) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
    throw new Error(`${file}: corrupt gzip data: ${(err as Error).message}`);
  }
  if (out.length > limit) throw tooLarge();
  return plain(out);
}
