/**
 * One writer per run directory: a lock file naming its owner, made with an exclusive create so that of two
 * processes starting at once exactly one gets it. A lock whose process is gone (killed, machine restarted) is
 * stale and is taken over; one of another host cannot be judged from here and is never taken over.
 */

import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { removeStaleTempFiles, tempPathFor } from './files.js';
import { processAlive } from './processAlive.js';

/** The lock file in a run directory. */
export const LOCK_FILE = 'vaekit.lock';

/** Who holds a run directory: the content of its lock file. */
export interface LockOwner {
  pid: number;
  host: string;
  /** What it runs there, e.g. "vaekit train". */
  command: string;
  /** When it took the lock (ISO time). */
  since: string;
  /** Tells this lock from a later one of a process that got the same pid. */
  token: string;
}

/** A run directory held by another process; `owner` is null when its lock file cannot be read. */
export class RunDirectoryLockedError extends Error {
  override name = 'RunDirectoryLockedError';
  constructor(
    readonly dir: string,
    readonly lockPath: string,
    readonly owner: LockOwner | null,
  ) {
    super(owner ? `${dir} is in use by another vaekit: ${ownerText(owner)}; if that process is gone, delete ${lockPath}` : `${dir} is locked by ${lockPath}, which cannot be read; if no vaekit is using ${dir}, delete it`);
  }
}

/** A held lock. */
export interface RunLock {
  path: string;
  /** The owner of a stale lock this one replaced, else null. */
  replaced: LockOwner | null;
  /** Temporary files of killed writers, removed from the directory once the lock was held. */
  removedTempFiles: string[];
  /** Deletes the lock file if it is still this lock's; also done when the process exits. */
  release(): void;
}

/** "pid 123 on host (vaekit train, since ...)", for messages. */
export function ownerText(owner: LockOwner): string {
  return `pid ${owner.pid} on ${owner.host}${owner.pid === process.pid && owner.host === hostname() ? ' (this process)' : ''} (${owner.command}, since ${owner.since})`;
}

function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** The owner in a lock file; null if it cannot be parsed, undefined if the file is gone. */
function readOwner(path: string): LockOwner | null | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return errorCode(err) === 'ENOENT' ? undefined : null;
  }
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.token === 'string') {
      return { pid: o.pid, host: o.host, command: String(o.command ?? 'vaekit'), since: String(o.since ?? 'an unknown time'), token: o.token };
    }
  } catch {
    // Not JSON: unreadable.
  }
  return null;
}

function isStale(owner: LockOwner): boolean {
  return owner.host === hostname() && !processAlive(owner.pid);
}

/**
 * Makes `path` with `text` unless it exists; false if it does. The text goes to a temporary file first and is
 * hard-linked into place, so nobody ever reads a half-written lock. Where hard links are not supported, an
 * exclusive create does the same minus that guarantee.
 */
function createExclusive(path: string, text: string): boolean {
  const tmp = tempPathFor(path);
  try {
    writeFileSync(tmp, text, { flag: 'wx' });
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return false;
    if (!['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP'].includes(errorCode(err) ?? '')) throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
  try {
    writeFileSync(path, text, { flag: 'wx' });
    return true;
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return false;
    throw err;
  }
}

/**
 * Removes the stale lock of `owner`. It is renamed aside first (one atomic step), then checked: if what was
 * moved is a fresh lock another process made meanwhile, it is put back.
 */
function takeOver(path: string, owner: LockOwner): boolean {
  const aside = tempPathFor(path);
  try {
    renameSync(path, aside);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return false;
    throw err;
  }
  try {
    if (readOwner(aside)?.token === owner.token) return true;
    try {
      linkSync(aside, path);
    } catch {
      // A third process has made a lock meanwhile: it holds the directory.
    }
    return false;
  } finally {
    rmSync(aside, { force: true });
  }
}

/**
 * Takes the lock of the run directory `dir` (which must exist) for `command`, or throws a
 * RunDirectoryLockedError naming the process that holds it. Once held, temporary files of killed writers are
 * removed from the directory.
 */
export function lockRunDirectory(dir: string, command: string): RunLock {
  const path = join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), command, since: new Date().toISOString(), token: randomBytes(8).toString('hex') };
  let replaced: LockOwner | null = null;
  for (let attempt = 0; ; attempt++) {
    let created: boolean;
    try {
      created = createExclusive(path, JSON.stringify(me) + '\n');
    } catch (err) {
      throw new Error(`cannot lock ${dir}: ${(err as Error).message}`, { cause: err });
    }
    if (created) break;
    const owner = readOwner(path);
    if (owner === undefined && attempt < 3) continue; // released meanwhile
    if (owner && isStale(owner) && attempt < 3) {
      if (takeOver(path, owner)) replaced = owner;
      continue;
    }
    throw new RunDirectoryLockedError(dir, path, owner ?? null);
  }

  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    if (readOwner(path)?.token === me.token) rmSync(path, { force: true });
  };
  // A second Ctrl-C or an uncaught error ends the process without unwinding to the caller's release.
  process.on('exit', release);
  return { path, replaced, removedTempFiles: removeStaleTempFiles(dir), release };
}
