/**
 * The flags, help and examples of `vaekit plan ...` and `vaekit worker`; their code, ../plan/, loads only when
 * it runs (the queue's client, bullmq, only for submit, status --queue and worker).
 */
import { CommandFlag, CommandSpec } from '../flags.js';
import { modelKindOf, configGroups, THREADS_FLAG } from '../sharedFlags.js';
import { COMPARE_SPEC } from './compare.js';
import { sslKindOf, sslSpec } from './ssl.js';

const MAKE_OUT: CommandFlag = { flag: 'out', help: 'output root of the plan: one run directory per run under it (on a filesystem every worker sees, for a queue)', type: { type: 'string' } };
const MAKE_PLAN: CommandFlag = { flag: 'plan', help: 'where to write the plan file', type: { type: 'string' }, defaultText: '<out>/plan.json' };

const QUEUE_FLAG: CommandFlag = { flag: 'queue', help: 'the Redis server of the job queue, redis://[user:password@]host:port[/db]', type: { type: 'string' } };
const QUEUE_NAME_FLAG: CommandFlag = { flag: 'queue-name', help: 'name of the BullMQ queue on that server; workers take runs from the queue of this name', type: { type: 'string' }, defaultText: 'vaekit' };

const PLAN_THREADS: CommandFlag = { ...THREADS_FLAG, help: 'threads of each run\'s native backend and kernels', defaultText: 'cores / --workers for plan run, all cores for a worker' };

/** `vaekit plan make ssl`: ssl's own flags and model flags, less those that only concern running them. */
function planMakeSslSpec(argv: string[]): CommandSpec {
  const ssl = sslSpec(sslKindOf(argv));
  return {
    ...ssl,
    name: 'plan make ssl',
    summary: 'a plan of the runs `vaekit ssl` trains (label counts x seeds); the table ssl.md is written when they are done',
    usage: 'vaekit plan make ssl --out DIR --model m2|m1m2 --labels 100[,600,...] [--seeds 3] [options]',
    flags: [...ssl.flags.filter((f) => !['out', 'only-seed', 'm1-from', 'engine', 'threads'].includes(f.flag)), { ...MAKE_OUT, defaultText: 'runs/ssl' }, MAKE_PLAN],
    examples: ['vaekit plan make ssl --model m2 --labels 100,600 --seeds 3 --epochs 300 --out runs/ssl', 'vaekit plan make ssl --model m1m2 --labels 100 --seeds 5 --out /shared/runs/m1m2'],
  };
}

function planMakeCompareSpec(): CommandSpec {
  return {
    ...COMPARE_SPEC,
    name: 'plan make compare',
    summary: 'a plan of the runs `vaekit compare` trains (kinds x latent sizes); compare.md is written when they are done',
    usage: 'vaekit plan make compare --out DIR [--models pca,ae,dae,cae,vae] [--latent 2,5,20] [options]',
    flags: [...COMPARE_SPEC.flags.filter((f) => f.flag !== 'out'), { ...MAKE_OUT, defaultText: 'runs/compare' }, MAKE_PLAN],
    examples: ['vaekit plan make compare --models ae,vae --latent 2,20 --epochs 30 --out runs/compare'],
  };
}

function planMakeSweepSpec(argv: string[]): CommandSpec {
  const kind = modelKindOf(argv);
  return {
    name: 'plan make sweep',
    summary: 'a plan of `vaekit train` runs: every combination of the values given with --set, the other flags shared',
    usage: 'vaekit plan make sweep --out DIR --set section.key=v1,v2 [--set ...] [train flags]',
    groups: configGroups(kind),
    flags: [
      { flag: 'model', help: 'model kind of every run (or sweep it: --set model.kind=vae,ae)', type: { type: 'string' }, defaultText: 'vae' },
      {
        flag: 'set',
        help: 'a config key and its values, e.g. train.lr=1e-3,3e-4 or model.latentDim=2,20 (the keys of a --config file); runs are the cartesian product of all --set; a list-valued key separates its values with ";" (model.hidden=400;500,300)',
        type: { type: 'string' },
        repeatable: true,
      },
      { ...MAKE_OUT, defaultText: 'runs/sweep' },
      MAKE_PLAN,
    ],
    examples: [
      'vaekit plan make sweep --set train.lr=1e-3,3e-4 --set model.latentDim=2,20 --epochs 20 --out runs/sweep',
      'vaekit plan make sweep --set model.kind=vae,ae --set train.seed=0,1,2 --out runs/kinds',
    ],
  };
}

/** Said in the usage of every command taking a plan. */
const PLAN_ARG = '\n  PLAN: a plan file, or the output root holding its plan.json';

const PLAN_RUN_SPEC: CommandSpec = {
  name: 'plan run',
  summary: 'train the runs of a plan on this machine, N at a time; a run already done is skipped, a stopped one resumed',
  usage: `vaekit plan run PLAN [--workers N]${PLAN_ARG}`,
  positionals: ['plan'],
  flags: [
    { flag: 'workers', help: 'runs trained at once, each its own process', type: { type: 'int', min: 1 }, defaultText: '1' },
    PLAN_THREADS,
  ],
  examples: ['vaekit plan run runs/sweep --workers 2', 'vaekit plan run runs/ssl/plan.json --workers 4 --threads 2'],
};

const PLAN_SUBMIT_SPEC: CommandSpec = {
  name: 'plan submit',
  summary: 'put the runs of a plan on a BullMQ job queue in Redis, for `vaekit worker` processes on any machines',
  usage: `vaekit plan submit PLAN --queue redis://HOST:PORT${PLAN_ARG}`,
  positionals: ['plan'],
  flags: [{ ...QUEUE_FLAG, defaultText: 'required' }, QUEUE_NAME_FLAG],
  examples: ['vaekit plan submit /shared/runs/ssl --queue redis://queue-host:6379'],
};

const PLAN_STATUS_SPEC: CommandSpec = {
  name: 'plan status',
  summary: "the progress of a plan's runs (waiting, training epoch e of E, done, failed), from their run directories and the queue",
  usage: `vaekit plan status PLAN [--queue redis://HOST:PORT]${PLAN_ARG}`,
  positionals: ['plan'],
  flags: [{ ...QUEUE_FLAG, help: `${QUEUE_FLAG.help}: also show each run's job on the queue` }, QUEUE_NAME_FLAG, { flag: 'json', help: 'print the status as JSON', type: { type: 'boolean' } }],
  examples: ['vaekit plan status runs/sweep', 'vaekit plan status /shared/runs/ssl --queue redis://queue-host:6379'],
};

/** `vaekit plan` alone: what its subcommands are. */
const PLAN_SPEC: CommandSpec = {
  name: 'plan',
  summary: 'experiments of many runs (the runs of ssl, compare, or a sweep) in a plan file, run here or through a job queue',
  usage: 'vaekit plan make ssl|compare|sweep ... | run PLAN | submit PLAN | status PLAN',
  optionalPositionals: ['subcommand', 'what'],
  flags: [],
  examples: [
    'vaekit plan make sweep --set train.lr=1e-3,3e-4 --set model.latentDim=2,20 --out runs/sweep',
    'vaekit plan run runs/sweep --workers 2',
    'vaekit plan submit runs/sweep --queue redis://queue-host:6379   # then, on each machine: vaekit worker --queue redis://queue-host:6379',
    'vaekit plan status runs/sweep',
    'vaekit plan make ssl --help    # (and make compare, make sweep, run, submit, status): the flags of each',
  ],
};

/** The spec of the `vaekit plan` subcommand that argv (after "plan") names; PLAN_SPEC when it names none. */
export function planSpec(argv: string[]): CommandSpec {
  const [word, what] = argv;
  if (word === 'make' && what === 'ssl') return planMakeSslSpec(argv);
  if (word === 'make' && what === 'compare') return planMakeCompareSpec();
  if (word === 'make' && what === 'sweep') return planMakeSweepSpec(argv);
  if (word === 'run') return PLAN_RUN_SPEC;
  if (word === 'submit') return PLAN_SUBMIT_SPEC;
  if (word === 'status') return PLAN_STATUS_SPEC;
  return PLAN_SPEC;
}

export const WORKER_SPEC: CommandSpec = {
  name: 'worker',
  summary: "take runs from a plan's job queue and train them, until stopped; on any number of machines sharing the runs' filesystem",
  usage: 'vaekit worker --queue redis://HOST:PORT [options]',
  flags: [
    { ...QUEUE_FLAG, defaultText: 'required' },
    QUEUE_NAME_FLAG,
    { flag: 'lock-seconds', help: "a worker renews its hold on its run this often (x 1/2); a run held by a worker not heard from for this long (killed, machine down) goes to another worker, which resumes it", type: { type: 'number', min: 1 }, defaultText: '30' },
    { ...PLAN_THREADS, defaultText: 'all cores' },
    { flag: 'exit-when-idle', help: 'exit once no run is waiting or in training on the queue, instead of waiting for more', type: { type: 'boolean' } },
  ],
  examples: ['vaekit worker --queue redis://queue-host:6379', 'vaekit worker --queue redis://queue-host:6379 --threads 8 --exit-when-idle'],
};
