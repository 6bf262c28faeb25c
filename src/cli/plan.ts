/** `vaekit plan make|run|submit|status`: experiments of many runs; see ./plan/. */
import { ParsedCommand, UsageError } from './flags.js';
import { readPlan } from './plan/planFile.js';
import { planStatus, planStatusText } from './plan/status.js';

const SUBCOMMANDS = 'make ssl|compare|sweep, run, submit, status';

export async function planCommand(args: ParsedCommand, log: (s: string) => void): Promise<number> {
  const word = args.argv[0];
  if (word === undefined) throw new UsageError(`"vaekit plan" needs a subcommand: ${SUBCOMMANDS} (see vaekit plan --help)`);
  if (word === 'make') {
    const what = args.argv[1];
    if (!['ssl', 'compare', 'sweep'].includes(what ?? '')) throw new UsageError(`"vaekit plan make" needs ssl, compare or sweep${what ? `, not "${what}"` : ''} (see vaekit plan make sweep --help)`);
    // make reads the model registry and compare's flags, which load tfjs: status and submit do without.
    return (await import('./plan/make.js')).planMakeCommand({ ...args, positionals: [what, ...args.positionals] }, log);
  }
  if (!['run', 'submit', 'status'].includes(word)) throw new UsageError(`unknown subcommand "vaekit plan ${word}" (subcommands: ${SUBCOMMANDS})`);
  const plan = readPlan(args.positionals[0]);
  const queueName = (args.flags['queue-name'] as string | undefined) ?? 'vaekit';
  const url = args.flags.queue as string | undefined;
  if (word === 'run') return (await import('./plan/local.js')).runPlanLocally(plan, { workers: (args.flags.workers as number | undefined) ?? 1, threads: args.flags.threads as number | undefined, log });
  if (word === 'submit') {
    if (url === undefined) throw new UsageError('vaekit plan submit needs --queue redis://HOST:PORT');
    return (await import('./plan/queue.js')).submitPlan(plan, url, queueName, log);
  }
  const jobs = url === undefined ? undefined : await (await import('./plan/queue.js')).queueStates(plan, url, queueName);
  const status = planStatus(plan, jobs);
  log(args.flags.json ? JSON.stringify(status, null, 2) : planStatusText(status));
  return 0;
}
