/**
 * Where one run of a plan stands, read from its run directory alone (so every machine sees the same): its
 * history.json (written after each epoch's checkpoint), its last checkpoint (whether early stopping ended it),
 * its lock (held while a process trains it) and the marker a runner leaves when training it failed.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { stopsEarly, TRAIN_DEFAULTS, TrainConfig } from '../../config/train.js';
import { processAlive } from '../../node/processAlive.js';
import { LOCK_FILE, LockOwner } from '../../node/runLock.js';
import { loadCheckpoint, RUN_FILES, saveJson } from '../../node/runFiles.js';

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
  | { state: 'done'; epochs: number; last: EpochRecord | undefined; stoppedEarlyAt?: number }
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

/** The epoch after which early stopping (--patience) ended the run in `dir`, as its last checkpoint says; else undefined. */
function stoppedEarlyAt(dir: string): number | undefined {
  const path = join(dir, RUN_FILES.last);
  if (!existsSync(path)) return undefined;
  try {
    // The checkpoint's meta as written (src/io/run.ts), read without the models: `plan` answers without tfjs.
    const meta = loadCheckpoint(path).meta as { config?: { train?: Partial<TrainConfig> }; state?: { epoch: number; best: { epoch: number } | null } };
    const { state } = meta;
    if (!state || !Number.isInteger(state.epoch)) return undefined;
    return stopsEarly({ ...TRAIN_DEFAULTS, ...meta.config?.train }, state) ? state.epoch : undefined;
  } catch {
    return undefined; // unreadable, or not a training checkpoint: the run is not done
  }
}

/** Whether the run in `dir` has trained its `epochs`, or early stopping ended it sooner. */
export function runIsDone(dir: string, epochs: number): boolean {
  return runState(dir, epochs).state === 'done';
}

/** The state of the run in `dir`, which should train `epochs` epochs. */
export function runState(dir: string, epochs: number): RunState {
  const history = historyOf(dir);
  if (history.length >= epochs && existsSync(join(dir, RUN_FILES.last))) return { state: 'done', epochs, last: history.at(-1) };
  const early = history.length > 0 ? stoppedEarlyAt(dir) : undefined;
  if (early !== undefined) return { state: 'done', epochs, last: history.at(-1), stoppedEarlyAt: early };
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
      const epochs = s.stoppedEarlyAt !== undefined ? `stopped early after epoch ${s.stoppedEarlyAt} of ${s.epochs}` : `${s.epochs} epochs`;
      return `done (${epochs}${figure})`;
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
