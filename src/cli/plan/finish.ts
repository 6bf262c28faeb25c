/**
 * A plan's last step: once every run is done, `vaekit ssl` or `vaekit compare` is run over the output root with
 * the plan's flags. Every run is finished, so it trains nothing: it scores the runs and writes its table, as it
 * does when it trained them itself.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../node/native.js';
import { lockRunDirectory, RunDirectoryLockedError } from '../../node/runLock.js';
import { LoadedPlan, runDirOf } from './planFile.js';
import { runIsDone } from './runState.js';

/** The output of the last step, in the output root. */
export const FINISH_LOG = 'plan-finish.log';

export type FinishOutcome = 'no-table' | 'not-done' | 'busy' | 'written' | 'failed';

export function planIsDone(plan: LoadedPlan): boolean {
  return plan.runs.every((r) => runIsDone(runDirOf(plan, r), r.epochs));
}

/**
 * Writes the plan's table if every run is done. Held by the output root's lock, so of several workers finishing
 * the last runs at once one writes it ('busy' for the others).
 */
export async function finishPlan(plan: LoadedPlan, log: (s: string) => void): Promise<FinishOutcome> {
  if (!plan.finish) return 'no-table';
  if (!planIsDone(plan)) return 'not-done';
  let lock;
  try {
    lock = lockRunDirectory(plan.outDir, 'vaekit plan (writing the table)');
  } catch (e) {
    if (e instanceof RunDirectoryLockedError) return 'busy';
    throw e;
  }
  const logPath = join(plan.outDir, FINISH_LOG);
  const fd = openSync(logPath, 'w');
  try {
    const { command, args, table } = plan.finish;
    log(`every run of ${plan.path} is done: writing its table with vaekit ${command}`);
    const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'vaekit.js'), command, ...args, '--out', plan.outDir], {
      stdio: ['ignore', fd, fd],
      env: { ...process.env, CI: 'true' },
    });
    const code = await new Promise<number | null>((res, rej) => {
      child.on('error', rej);
      child.on('exit', (c) => res(c));
    });
    if (code !== 0) {
      log(`vaekit ${command} ended with exit code ${code ?? 'a signal'}; see ${logPath}`);
      return 'failed';
    }
    log(`table: ${join(plan.outDir, table)}`);
    return 'written';
  } finally {
    closeSync(fd);
    lock.release();
  }
}
