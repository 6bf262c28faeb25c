/**
 * Reading a file that may or may not be gzip-compressed. The gzip magic bytes decide, not the file
 * name: Debian ships some data sets compressed under varied names, and users gunzip files in place.
 */
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);

/** True when `bytes` start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** A plain Uint8Array view of a Buffer: Buffer's `slice` shares memory where Uint8Array's copies. */
function plain(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** The contents of `file`, decompressed when gzipped; errors name the file. */
export async function readMaybeGzip(file: string): Promise<Uint8Array> {
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${file}: file not found`);
    throw new Error(`${file}: cannot read: ${(err as Error).message}`);
  }
  if (!isGzip(raw)) return plain(raw);
  try {
    return plain(await gunzipAsync(raw));
  } catch (err) {
    throw new Error(`${file}: corrupt gzip data: ${(err as Error).message}`);
  }
}
