/** File-system edges: atomic writes, so a crash never leaves a half-written checkpoint, and clear read errors. */

import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, Stats, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { processAlive } from './processAlive.js';

function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A temporary file of writeFileAtomic: `<target>.tmp-<pid of the writer>-<12 hex digits>`. */
const TEMP_FILE = /^(.+)\.tmp-(\d+)-[0-9a-f]{12}$/;

/** The temporary file name for writing `path` from this process. */
export function tempPathFor(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
}

/**
 * Removes the temporary files in `dir` whose writer is no longer running on this machine (a process killed
 * mid-write leaves one behind); only those of the file `target` when given. Returns the names removed. Best
 * effort: a directory that cannot be read has nothing removed.
 */
export function removeStaleTempFiles(dir: string, target?: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_FILE.exec(name);
    if (!m || (target !== undefined && m[1] !== target) || processAlive(Number(m[2]))) continue;
    try {
      rmSync(join(dir, name), { force: true });
      removed.push(name);
    } catch {
      // Left for the next writer; nothing depends on it.
    }
  }
  return removed;
}

/**
 * Replaces `path` with `data` all at once: readers see the old file or the new one, never a mix. Writes a
 * temporary file beside `path` (same directory, so the rename stays on one file system), flushes it to disk,
 * then renames it over `path`. On any failure the temporary file is removed and the error names `path`.
 * Temporary files of `path` left by writers that were killed are removed first.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  removeStaleTempFiles(dirname(path), basename(path));
  const tmp = tempPathFor(path);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
    writeFileSync(fd, data);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeQuietly(fd);
    rmSync(tmp, { force: true });
    throw new Error(`could not write ${path}: ${errorMessage(err)}`, { cause: err });
  }
  syncDir(dirname(path));
}

/** Makes the rename itself durable; some platforms (Windows) cannot open a directory, which is fine to skip. */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Best effort only: the file is already in place.
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
}

/** Closes during cleanup without hiding the error that caused the cleanup. */
function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // The original error is the one worth reporting.
  }
}

/**
 * Creates `dir` and any missing parents; succeeds if it already exists, fails if it is a file. The missing
 * directories are made one at a time, outermost first: Node's recursive mkdir retries forever where the
 * system answers "no such file" under a parent that exists (/proc).
 */
export function ensureDir(dir: string): void {
  const fail = (reason: string, cause?: unknown): never => {
    throw new Error(`cannot create directory ${dir}: ${reason}`, { cause });
  };
  const missing: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    let stat: Stats | undefined;
    try {
      stat = statSync(d, { throwIfNoEntry: false });
    } catch (err) {
      if (errorCode(err) === 'ENOTDIR') fail('a file is in the way', err);
      fail(errorMessage(err), err);
    }
    if (stat) {
      if (!stat.isDirectory()) fail('a file is in the way');
      break;
    }
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (err) {
      // Another process may have made it meanwhile.
      if (errorCode(err) === 'EEXIST' && statSync(d, { throwIfNoEntry: false })?.isDirectory()) continue;
      fail(errorMessage(err), err);
    }
  }
}

/** Thrown for a path that exists but is no regular file; `kind` says what it is instead ("a directory"). */
export class NotAFileError extends Error {
  override name = 'NotAFileError';
  constructor(
    readonly path: string | Buffer,
    readonly kind: string,
  ) {
    super(`${path.toString()}: expected a regular file, found ${kind}`);
  }
}

/** What `fs.Stats` and `fs.Dirent` both say about the type of a file. */
export type FileType = Pick<Stats, 'isFile' | 'isDirectory' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice'>;

/** What a file that is not regular is, in words: "a directory", "a FIFO (named pipe)", ... */
export function fileTypeText(s: FileType): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  return 'no regular file';
}

/**
 * Opened without blocking, so a FIFO is refused at once instead of waiting for a writer (and a device is never
 * read without end); on a regular file the flag changes nothing.
 */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** The bytes of `path`, which must be a regular file (else NotAFileError); other errors are Node's own. */
export function readRegularFileSync(path: string | Buffer): Buffer {
  const fd = openSync(path, READ_FLAGS);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new NotAFileError(path, fileTypeText(stats));
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** `readRegularFileSync`, without blocking the event loop. */
export async function readRegularFile(path: string): Promise<Buffer> {
  const handle = await open(path, READ_FLAGS);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new NotAFileError(path, fileTypeText(stats));
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * Reads a whole file as plain bytes. `what` says what the file is for the message ("checkpoint", "config"):
 * a missing file gives "<what> not found: <path>", a directory "<path> is a directory, expected a file".
 */
export function readFileOrThrow(path: string, what: string): Uint8Array {
  let buf: Buffer;
  try {
    buf = readRegularFileSync(path);
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new Error(`${what} not found: ${path}`, { cause: err });
    if (err instanceof NotAFileError) throw new Error(`${path} is ${err.kind}, expected a file`, { cause: err });
    if (code === 'EISDIR') throw new Error(`${path} is a directory, expected a file`, { cause: err });
    throw new Error(`cannot read ${what} ${path}: ${errorMessage(err)}`, { cause: err });
  }
  // A plain Uint8Array view: Buffer's slice() shares memory where Uint8Array's copies, a trap downstream.
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
