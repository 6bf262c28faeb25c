/**
 * Trains one run of a plan by starting `vaekit train` for it in its own process: the run directory's lock, atomic
 * checkpoints and exact resume (--resume where last.ckpt exists) are train's own, so a runner only decides
 * which run, and reads how it ended. The process dies with its runner (an IPC channel whose loss kills it), so a
 * killed worker leaves no orphan training on, only a stale lock and the checkpoint of its last finished epoch.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ensureDir } from '../../node/files.js';
import { packageRoot } from '../../node/native.js';
import { processAlive } from '../../node/processAlive.js';
import { LOCK_FILE, LockOwner, ownerText } from '../../node/runLock.js';
import { RUN_FILES, runOutputsIn } from '../../node/runFiles.js';
import { LoadedPlan, PlanRun, runDirOf } from './planFile.js';
import { clearFailed, markFailed, runIsDone, TRAIN_LOG } from './runState.js';
import { rmSync } from 'node:fs';

/** Loaded before the CLI in a run's process: it ends the process when the runner that started it is gone. */
const DIE_WITH_RUNNER = `data:text/javascript,${encodeURIComponent('process.on("disconnect",()=>process.kill(process.pid,"SIGKILL"));setImmediate(()=>process.channel?.unref());')}`;

export interface TrainRunOptions {
  /** --threads for the run's process; unset: train's default. */
  threads?: number;
  /**
   * What to do with a lock left in the run directory by a process of another host (this host's dead processes'
   * locks are stale and train takes them over itself): 'take-over' when the caller knows its owner is gone (a
   * queue worker that was given the run after its previous holder stopped renewing it), else 'refuse'.
   */
  foreignLock: 'take-over' | 'refuse';
  /** Aborting stops the run after its current step, saving a checkpoint (SIGINT to train). */
  signal?: AbortSignal;
  log: (s: string) => void;
}

export type TrainRunResult = { outcome: 'done' | 'skipped' | 'stopped' } | { outcome: 'failed'; message: string };

function readOwner(path: string): LockOwner | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    return null;
  }
}

/**
 * Clears the way to the run directory's lock: waits a little for a live process of this host (the run of a
 * killed worker, about to die with it), and removes a lock of another host where the caller may take it over.
 */
async function clearLock(dir: string, opts: TrainRunOptions): Promise<void> {
  const path = join(dir, LOCK_FILE);
  for (let waited = 0; existsSync(path) && waited < 10_000; waited += 200) {
    const owner = readOwner(path);
    if (owner === null) return;
    if (owner.host !== hostname()) {
      if (opts.foreignLock === 'refuse') return; // train names the owner in its refusal
      rmSync(path, { force: true });
      opts.log(`${dir}: took over the lock of ${ownerText(owner)}, which the queue says stopped renewing its hold on this run`);
      return;
    }
    if (!processAlive(owner.pid)) return; // stale: train takes it over
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The last lines of the run's train.log, for a failure's message. */
function logTail(path: string, lines = 3): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join(' | ');
  } catch {
    return '';
  }
}

/** Trains (or resumes, or skips when done) `run` of `plan`. */
export async function trainRun(plan: LoadedPlan, run: PlanRun, opts: TrainRunOptions): Promise<TrainRunResult> {
  const dir = runDirOf(plan, run);
  if (runIsDone(dir, run.epochs)) return { outcome: 'skipped' };
  ensureDir(dir);
  await clearLock(dir, opts);
  const resume = existsSync(join(dir, RUN_FILES.last));
  // A run stopped before its first checkpoint left only its config: it starts afresh.
  const start = resume ? ['--resume'] : runOutputsIn(dir).length > 0 ? ['--force'] : [];
  const args = [...run.args, '--out', dir, ...start, ...(opts.threads !== undefined ? ['--threads', String(opts.threads)] : [])];
  clearFailed(dir);
  const logPath = join(dir, TRAIN_LOG);
  const fd = openSync(logPath, 'a');
  let code: number | null;
  try {
    const child = spawn(process.execPath, ['--import', DIE_WITH_RUNNER, join(packageRoot(), 'bin', 'vaekit.js'), 'train', ...args], {
      stdio: ['ignore', fd, fd, 'ipc'],
      env: { ...process.env, CI: 'true' },
      // Its own process group: a terminal's Ctrl-C reaches the runner, which passes it on once.
      detached: true,
    });
    const stop = () => child.kill('SIGINT');
    opts.signal?.addEventListener('abort', stop, { once: true });
    if (opts.signal?.aborted) stop();
    code = await new Promise<number | null>((res, rej) => {
      child.on('error', rej);
      child.on('exit', (c) => res(c));
    });
    opts.signal?.removeEventListener('abort', stop);
  } finally {
    closeSync(fd);
  }
  if (code === 0 && runIsDone(dir, run.epochs)) return { outcome: 'done' };
  if (code === 130 || opts.signal?.aborted) return { outcome: 'stopped' };
  const message = code === 0 ? `vaekit train ended without finishing ${run.epochs} epochs` : `vaekit train exited with ${code ?? 'a signal'}: ${logTail(logPath)} (see ${logPath})`;
  markFailed(dir, message);
  return { outcome: 'failed', message };
}
