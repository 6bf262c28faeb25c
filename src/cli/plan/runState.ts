/**
 * Where one run of a plan stands, read from its run directory alone (so every machine sees the same): its
 * history.json (written after each epoch's checkpoint), its lock (held while a process trains it) and the
 * marker a runner leaves when training it failed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../../node/processAlive.js';
import { LOCK_FILE, LockOwner } from '../../node/runLock.js';
import { RUN_FILES, saveJson } from '../../node/runFiles.js';
import { rmSync } from 'node:fs';

/** The runner's marker of a failed run, with why. */
export const FAILED_FILE = 'plan-failed.json';
/** The output of each `vaekit train` a runner started for the run, appended. */
export const TRAIN_LOG = 'train.log';

/** One epoch's record in history.json, as far as the status shows it. */
interface EpochRecord {
  epoch: number;
  train: { total: number };
  val?: { total?: number; error?: number };
}

export type RunState =
  | { state: 'waiting' }
  | { state: 'training'; epochsDone: number; epochs: number; owner: LockOwner | null }
  | { state: 'stopped'; epochsDone: number; epochs: number }
  | { state: 'done'; epochs: number; last: EpochRecord | undefined }
  | { state: 'failed'; epochsDone: number; epochs: number; message: string };

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined; // absent, or being replaced: read as absent
  }
}

/** The epoch records written so far. */
function historyOf(dir: string): EpochRecord[] {
  const h = readJson<EpochRecord[]>(join(dir, RUN_FILES.history));
  return Array.isArray(h) ? h : [];
}

/** Whether the run in `dir` has trained its `epochs`. */
export function runIsDone(dir: string, epochs: number): boolean {
  return existsSync(join(dir, RUN_FILES.last)) && historyOf(dir).length >= epochs;
}

/** The state of the run in `dir`, which should train `epochs` epochs. */
export function runState(dir: string, epochs: number): RunState {
  const history = historyOf(dir);
  if (history.length >= epochs && existsSync(join(dir, RUN_FILES.last))) return { state: 'done', epochs, last: history.at(-1) };
  const owner = readJson<LockOwner>(join(dir, LOCK_FILE));
  // A lock of a dead process on this host is stale; one of another host is taken at its word.
  if (owner && !(owner.host === hostname() && !processAlive(owner.pid))) return { state: 'training', epochsDone: history.length, epochs, owner };
  const failed = readJson<{ message: string }>(join(dir, FAILED_FILE));
  if (failed) return { state: 'failed', epochsDone: history.length, epochs, message: String(failed.message) };
  return history.length > 0 || existsSync(join(dir, RUN_FILES.last)) ? { state: 'stopped', epochsDone: history.length, epochs } : { state: 'waiting' };
}

/** One line for a run's state. */
export function runStateText(s: RunState): string {
  switch (s.state) {
    case 'waiting':
      return 'waiting';
    case 'training':
      return `training epoch ${Math.min(s.epochsDone + 1, s.epochs)} of ${s.epochs}${s.owner ? ` (pid ${s.owner.pid} on ${s.owner.host})` : ''}`;
    case 'stopped':
      return `stopped after epoch ${s.epochsDone} of ${s.epochs}; resumes when trained again`;
    case 'failed':
      return `failed after epoch ${s.epochsDone} of ${s.epochs}: ${s.message}`;
    case 'done': {
      const val = s.last?.val?.total ?? s.last?.val?.error;
      const figure = val !== undefined ? `, last val ${s.last?.val?.total !== undefined ? 'loss' : 'error'} ${val.toFixed(4)}` : s.last ? `, last train loss ${s.last.train.total.toFixed(4)}` : '';
      return `done (${s.epochs} epochs${figure})`;
    }
  }
}

/** Leaves the failed marker in `dir`, with the reason. */
export function markFailed(dir: string, message: string): void {
  saveJson(join(dir, FAILED_FILE), { message, host: hostname(), at: new Date().toISOString() });
}

export function clearFailed(dir: string): void {
  rmSync(join(dir, FAILED_FILE), { force: true });
}
