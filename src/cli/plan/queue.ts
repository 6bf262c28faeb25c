/**
 * A plan on a job queue: BullMQ on Redis. Each run is one job (its id: the plan's id and the run's index);
 * `vaekit worker` processes take jobs one at a time and train them with trainRun. A worker renews its hold on
 * its job every lockSeconds/2; a job whose worker stopped renewing (killed, machine down) is found stalled by
 * another worker after lockSeconds and given to a worker again, which resumes the run from its last checkpoint.
 * bullmq is loaded only here, so no other command pays for it.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { UsageError } from '../flags.js';
import { finishPlan } from './finish.js';
import { LoadedPlan, planRunNamed, readPlan } from './planFile.js';
import { trainRun } from './trainRun.js';

type BullMQ = typeof import('bullmq');

async function loadBullMQ(): Promise<BullMQ> {
  try {
    await import('ioredis'); // BullMQ's Redis client, an optional peer of it
    return await import('bullmq');
  } catch {
    throw new Error('the job queue needs the npm packages bullmq and ioredis, which are not installed (npm install bullmq ioredis); without a queue, train a plan on one machine with vaekit plan run');
  }
}

export const DEFAULT_QUEUE_NAME = 'vaekit';

/** A queue's connection from its redis:// URL. */
function connectionOf(url: string): { url: string; maxRetriesPerRequest: null } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--queue ${url}: expected redis://HOST:PORT`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new UsageError(`--queue ${url}: expected redis://HOST:PORT (or rediss:// for TLS)`);
  // A worker waits on the server as long as it takes: no command gives up after a few retries.
  return { url, maxRetriesPerRequest: null };
}

/** What a job carries: where the plan is (on the shared filesystem) and which of its runs. */
interface RunJob {
  plan: string;
  run: string;
}

function jobIdOf(plan: LoadedPlan, index: number): string {
  return `${plan.id}-${index}`;
}

/** Puts every run of `plan` on the queue; a run already queued is left as it is, a failed one is retried. */
export async function submitPlan(plan: LoadedPlan, url: string, queueName: string, log: (s: string) => void): Promise<number> {
  const { Queue } = await loadBullMQ();
  const queue = new Queue<RunJob>(queueName, { connection: connectionOf(url) });
  try {
    let added = 0;
    let retried = 0;
    for (const [i, run] of plan.runs.entries()) {
      const jobId = jobIdOf(plan, i);
      const existing = await queue.getJob(jobId);
      if (existing && (await existing.getState()) === 'failed') {
        await existing.retry();
        retried++;
      } else if (!existing) {
        await queue.add(run.name, { plan: plan.path, run: run.name }, { jobId, attempts: 1, removeOnComplete: false, removeOnFail: false });
        added++;
      }
    }
    log(`${added} run(s) of ${plan.path} put on queue "${queueName}" at ${url}${retried ? `, ${retried} failed run(s) queued again` : ''}${added + retried < plan.runs.length ? `; ${plan.runs.length - added - retried} already there` : ''}`);
    log(`start workers on machines that see ${plan.outDir}: vaekit worker --queue ${url}${queueName === DEFAULT_QUEUE_NAME ? '' : ` --queue-name ${queueName}`}`);
    return 0;
  } finally {
    await queue.close();
  }
}

/** Each run's job state on the queue (waiting, active, completed, failed, ...), by run name; absent: not queued. */
export async function queueStates(plan: LoadedPlan, url: string, queueName: string): Promise<Map<string, string>> {
  const { Queue } = await loadBullMQ();
  const queue = new Queue<RunJob>(queueName, { connection: connectionOf(url) });
  try {
    const out = new Map<string, string>();
    for (const [i, run] of plan.runs.entries()) {
      const job = await queue.getJob(jobIdOf(plan, i));
      if (job) out.set(run.name, await job.getState());
    }
    return out;
  } finally {
    await queue.close();
  }
}

export interface WorkerOptions {
  url: string;
  queueName: string;
  lockSeconds: number;
  threads?: number;
  exitWhenIdle: boolean;
  log: (s: string) => void;
}

/** `vaekit worker`: takes runs from the queue until stopped (or, with exitWhenIdle, until none is left). */
export async function runWorker(opts: WorkerOptions): Promise<number> {
  const { Queue, Worker } = await loadBullMQ();
  const { log } = opts;
  const me = `worker pid ${process.pid} on ${hostname()}`;
  const running = new Map<string, AbortController>();
  let stopping = 0;
  const processor = async (job: { id?: string; data: RunJob }, _token?: string, signal?: AbortSignal): Promise<string> => {
    const plan = readPlan(resolve(job.data.plan));
    const run = planRunNamed(plan, job.data.run);
    const stop = new AbortController();
    running.set(job.id ?? '', stop);
    signal?.addEventListener('abort', () => stop.abort(), { once: true });
    try {
      log(`${run.name} (${plan.path}): training`);
      const started = Date.now();
      const r = await trainRun(plan, run, { threads: opts.threads, foreignLock: 'take-over', signal: stop.signal, log });
      if (r.outcome === 'failed') throw new Error(r.message);
      if (r.outcome === 'stopped' && stopping > 0) {
        // The job stays held until its hold lapses; then another worker resumes the run from the checkpoint just saved.
        log(`${run.name}: stopped with a checkpoint; exiting`);
        process.exit(130);
      }
      if (r.outcome === 'stopped') throw new Error(`${me} lost its hold on the run`);
      log(`${run.name}: ${r.outcome === 'skipped' ? 'already done' : `done in ${((Date.now() - started) / 1000).toFixed(1)} s`}`);
      await finishPlan(plan, log);
      return r.outcome;
    } finally {
      running.delete(job.id ?? '');
    }
  };
  const worker = new Worker<RunJob, string>(opts.queueName, processor, {
    connection: connectionOf(opts.url),
    concurrency: 1,
    lockDuration: opts.lockSeconds * 1000,
    stalledInterval: opts.lockSeconds * 1000,
    // A run given back by a dead worker is resumed, however often that happens; only a failed training fails it.
    maxStalledCount: 1000,
  });
  worker.on('failed', (job, err) => log(`${job?.name ?? 'a run'}: failed: ${err.message}`));
  worker.on('error', (err) => log(`queue: ${err.message}`));
  // Another worker may already have the run: stop training it here rather than write beside it.
  worker.on('lockRenewalFailed', (ids: string[]) => {
    for (const id of ids) {
      if (running.has(id)) log(`lost the hold on job ${id} (the queue gave it to another worker): stopping its run`);
      running.get(id)?.abort();
    }
  });
  log(`${me}: taking runs from queue "${opts.queueName}" at ${opts.url}`);

  let release: (code: number) => void = () => {};
  const done = new Promise<number>((r) => (release = r));
  const onSignal = () => {
    stopping++;
    if (stopping === 1) {
      log('stopping: taking no more runs; the current run finishes (Ctrl-C again to stop it now, saving a checkpoint)');
      void worker.close().then(() => release(130));
    } else {
      // Its job is left held: once the hold lapses, another worker resumes the run from this checkpoint.
      for (const c of running.values()) c.abort();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let idleTimer: NodeJS.Timeout | undefined;
  let queue: InstanceType<BullMQ['Queue']> | undefined;
  if (opts.exitWhenIdle) {
    queue = new Queue(opts.queueName, { connection: connectionOf(opts.url) });
    const check = async () => {
      const counts = await queue!.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      if (Object.values(counts).every((n) => n === 0) && running.size === 0) {
        log('no run left on the queue: exiting');
        await worker.close();
        release(0);
        return;
      }
      idleTimer = setTimeout(() => void check().catch((e: Error) => log(`queue: ${e.message}`)), 1000);
    };
    idleTimer = setTimeout(() => void check(), 1000);
  }
  try {
    return await done;
  } finally {
    clearTimeout(idleTimer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await queue?.close();
    await worker.close();
  }
}
