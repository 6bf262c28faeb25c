/** A run directory opened for writing: made if missing, locked against a second writer. */
import { existsSync, rmdirSync } from 'node:fs';
import { RunOptionError } from '../io/runSession.js';
import { ensureDir } from './files.js';
import { refuseZooWrite } from './zoo.js';
import { lockRunDirectory, ownerText, RunDirectoryLockedError } from './runLock.js';

/** An opened run directory; `close` releases the lock and removes the directory if it was made for nothing. */
export interface OpenRunDirectory {
  close(): void;
}

/** How to open a run directory. */
export interface OpenRunDirectoryOptions {
  /** The option that named the directory, for messages ('--out', 'out'). */
  flag: string;
  /** What holds it, written into the lock for another process to name ('vaekit train'). */
  command: string;
  /** Told about a stale lock taken over and temporary files of killed writers removed. */
  log: (s: string) => void;
}

/**
 * Makes `dir` if missing and takes its lock. A directory held by another process is refused, naming it; one
 * that cannot be made is a RunOptionError.
 */
export function openRunDirectory(dir: string, opts: OpenRunDirectoryOptions): OpenRunDirectory {
  refuseZooWrite(dir, opts.flag);
  const existed = existsSync(dir);
  try {
    ensureDir(dir);
  } catch (e) {
    throw new RunOptionError(`${opts.flag}: ${(e as Error).message}`);
  }
  let lock;
  try {
    lock = lockRunDirectory(dir, opts.command);
  } catch (e) {
    if (!(e instanceof RunDirectoryLockedError) || e.owner === null) throw e;
    throw new Error(`${opts.flag} ${dir} is in use by another vaekit: ${ownerText(e.owner)}. Wait for it to finish or pass another ${opts.flag}; if that process is gone, delete ${e.lockPath}`, { cause: e });
  }
  if (lock.replaced) opts.log(`note: took over the lock of ${dir} from ${ownerText(lock.replaced)}, which is no longer running`);
  if (lock.removedTempFiles.length > 0) opts.log(`note: removed from ${dir} the temporary files of a writer that was killed: ${lock.removedTempFiles.join(', ')}`);
  return {
    close() {
      lock.release();
      if (existed) return;
      try {
        rmdirSync(dir); // only if still empty: nothing was written
      } catch {
        // It holds files: the run's.
      }
    },
  };
}
