/** A run directory opened for writing by a command: made if missing, locked against a second writer. */
import { existsSync, rmdirSync } from 'node:fs';
import { ensureDir } from '../node/files.js';
import { lockRunDirectory, ownerText, RunDirectoryLockedError } from '../node/runLock.js';
import { UsageError } from './flags.js';

/** An opened run directory; `close` releases the lock and removes the directory if it was made for nothing. */
export interface OpenRunDirectory {
  close(): void;
}

/**
 * Makes `dir` (named by `flag` in messages) if missing and takes its lock for `command`, telling `log` about a
 * stale lock taken over and temporary files of killed writers removed. A directory held by another process is
 * refused, naming it.
 */
export function openRunDirectory(dir: string, opts: { flag: string; command: string; log: (s: string) => void }): OpenRunDirectory {
  const existed = existsSync(dir);
  try {
    ensureDir(dir);
  } catch (e) {
    throw new UsageError(`${opts.flag}: ${(e as Error).message}`);
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
