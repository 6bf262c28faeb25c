/** `vaekit worker`: trains runs taken from a plan's job queue; see ./plan/queue.ts. */
import { ParsedCommand, UsageError } from './flags.js';

export async function workerCommand(args: ParsedCommand, log: (s: string) => void): Promise<number> {
  const url = args.flags.queue as string | undefined;
  if (url === undefined) throw new UsageError('vaekit worker needs --queue redis://HOST:PORT (the queue plan submit put the runs on)');
  const { runWorker, DEFAULT_QUEUE_NAME } = await import('./plan/queue.js');
  return runWorker({
    url,
    queueName: (args.flags['queue-name'] as string | undefined) ?? DEFAULT_QUEUE_NAME,
    lockSeconds: (args.flags['lock-seconds'] as number | undefined) ?? 30,
    threads: args.flags.threads as number | undefined,
    exitWhenIdle: args.flags['exit-when-idle'] === true,
    log,
  });
}
