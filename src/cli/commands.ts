/**
 * The commands: each one's flags, and its code, loaded only when it runs. Most commands' code loads tfjs, which
 * takes a second or two; --help, --version and a flag error are answered from the flag tables alone.
 */
import { CommandSpec, ParsedCommand } from './flags.js';
import { modelKindOf } from './sharedFlags.js';
import { ANALOGIES_SPEC } from './specs/analogies.js';
import { CLASSIFY_SPEC } from './specs/classify.js';
import { COMPARE_SPEC } from './specs/compare.js';
import { EMBED_SPEC } from './specs/embed.js';
import { EVAL_SPEC } from './specs/eval.js';
import { INFO_SPEC } from './specs/info.js';
import { INTERPOLATE_SPEC } from './specs/interpolate.js';
import { MANIFOLD_SPEC } from './specs/manifold.js';
import { RECONSTRUCT_SPEC } from './specs/reconstruct.js';
import { planSpec, WORKER_SPEC } from './specs/plan.js';
import { REPORT_SPEC } from './specs/report.js';
import { SAMPLE_SPEC } from './specs/sample.js';
import { SERVE_SPEC } from './specs/serve.js';
import { sslKindOf, sslSpec } from './specs/ssl.js';
import { trainSpec } from './specs/train.js';
import { TRAVERSE_SPEC } from './specs/traverse.js';
import { ZOO_SPEC } from './specs/zoo.js';

export type Log = (s: string) => void;

/** A command's code: runs the parsed command line, returns the exit code. */
export type Runner = (args: ParsedCommand, log: Log) => Promise<number>;

export interface Command {
  /** The flags for this command line: train's and ssl's model flags depend on the --model asked for. */
  spec(argv: string[]): CommandSpec;
  load(): Promise<Runner>;
}

const fixed = (spec: CommandSpec, load: () => Promise<Runner>): Command => ({ spec: () => spec, load });

/** In the order `vaekit --help` lists them. A Map: a command name is looked up among these alone. */
export const COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['train', { spec: (argv: string[]) => trainSpec(modelKindOf(argv)), load: async () => (await import('./train.js')).trainCommand }],
  ['eval', fixed(EVAL_SPEC, async () => (await import('./eval.js')).evalCommand)],
  ['sample', fixed(SAMPLE_SPEC, async () => (await import('./sample.js')).sampleCommand)],
  ['reconstruct', fixed(RECONSTRUCT_SPEC, async () => (await import('./reconstruct.js')).reconstructCommand)],
  ['manifold', fixed(MANIFOLD_SPEC, async () => (await import('./manifold.js')).manifoldCommand)],
  ['embed', fixed(EMBED_SPEC, async () => (await import('./embed.js')).embedCommand)],
  ['interpolate', fixed(INTERPOLATE_SPEC, async () => (await import('./interpolate.js')).interpolateCommand)],
  ['traverse', fixed(TRAVERSE_SPEC, async () => (await import('./traverse.js')).traverseCommand)],
  ['report', fixed(REPORT_SPEC, async () => (await import('./report.js')).reportCommand)],
  ['compare', fixed(COMPARE_SPEC, async () => (await import('./compare.js')).compareCommand)],
  ['classify', fixed(CLASSIFY_SPEC, async () => (await import('./classify.js')).classifyCommand)],
  ['analogies', fixed(ANALOGIES_SPEC, async () => (await import('./analogies.js')).analogiesCommand)],
  ['ssl', { spec: (argv: string[]) => sslSpec(sslKindOf(argv)), load: async () => (await import('./ssl.js')).sslCommand }],
  ['serve', fixed(SERVE_SPEC, async () => (await import('./serve.js')).serveCommand)],
  ['plan', { spec: planSpec, load: async () => (await import('./plan.js')).planCommand }],
  ['worker', fixed(WORKER_SPEC, async () => (await import('./worker.js')).workerCommand)],
  ['zoo', fixed(ZOO_SPEC, async () => (await import('./zoo.js')).zooCommand)],
  ['info', fixed(INFO_SPEC, async () => (await import('./info.js')).infoCommand)],
]);
