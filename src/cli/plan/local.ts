/** `vaekit plan run`: a plan's runs trained on this machine, `workers` at a time, then its table. */
import { availableParallelism } from 'node:os';
import { finishPlan } from './finish.js';
import { LoadedPlan } from './planFile.js';
import { trainRun } from './trainRun.js';

export interface LocalOptions {
  workers: number;
  /** Threads per run; default: the cores shared out among the workers. */
  threads?: number;
  log: (s: string) => void;
}

/** Trains every run not yet done; returns the exit code (0 all done, 1 some failed, 130 stopped). */
export async function runPlanLocally(plan: LoadedPlan, { workers, threads, log }: LocalOptions): Promise<number> {
  const perRun = threads ?? Math.max(1, Math.floor(availableParallelism() / workers));
  const stop = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(130); // the runs have been asked to save; a second Ctrl-C leaves now
    process.stderr.write('\nstopping: each run saves a checkpoint after its current step (Ctrl-C again to quit now)\n');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const failed: string[] = [];
  let next = 0;
  const width = String(plan.runs.length).length;
  const worker = async () => {
    while (next < plan.runs.length && !stop.signal.aborted) {
      const i = next++;
      const run = plan.runs[i];
      const tag = `[${String(i + 1).padStart(width)}/${plan.runs.length}] ${run.name}`;
      const started = Date.now();
      log(`${tag}: training`);
      const r = await trainRun(plan, run, { threads: perRun, foreignLock: 'refuse', signal: stop.signal, log });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (r.outcome === 'failed') failed.push(run.name);
      log(`${tag}: ${r.outcome === 'failed' ? `failed: ${r.message}` : r.outcome === 'skipped' ? 'already done' : r.outcome === 'stopped' ? `stopped after ${seconds} s` : `done in ${seconds} s`}`);
    }
  };
  log(`plan ${plan.path}: ${plan.runs.length} runs into ${plan.outDir}, ${workers} at a time, ${perRun} thread(s) each`);
  try {
    await Promise.all(Array.from({ length: Math.min(workers, plan.runs.length) }, worker));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (stop.signal.aborted) {
    log('stopped; run the same command again to go on');
    return 130;
  }
  if (failed.length > 0) {
    log(`${failed.length} run(s) failed: ${failed.join(', ')} (each one's train.log says why; run the plan again to retry them)`);
    return 1;
  }
  const finished = await finishPlan(plan, log);
  return finished === 'failed' ? 1 : 0;
}
