import { ConfigError } from '../config/schema.js';
import { analogiesCommand, ANALOGIES_SPEC } from './analogies.js';
import { classifyCommand, CLASSIFY_SPEC } from './classify.js';
import { compareCommand, COMPARE_SPEC } from './compare.js';
import { evalCommand, EVAL_SPEC } from './eval.js';
import { CommandSpec, helpText, UsageError } from './flags.js';
import { infoCommand, INFO_SPEC } from './info.js';
import { embedCommand, EMBED_SPEC } from './embed.js';
import { interpolateCommand, INTERPOLATE_SPEC } from './interpolate.js';
import { manifoldCommand, MANIFOLD_SPEC } from './manifold.js';
import { reconstructCommand, RECONSTRUCT_SPEC } from './reconstruct.js';
import { reportCommand, REPORT_SPEC } from './report.js';
import { sampleCommand, SAMPLE_SPEC } from './sample.js';
import { serveCommand, SERVE_SPEC } from './serve.js';
import { sslCommand, SSL_SPEC } from './ssl.js';
import { traverseCommand, TRAVERSE_SPEC } from './traverse.js';
import { trainCommand, TRAIN_SPEC } from './train.js';

type Log = (s: string) => void;

const COMMANDS: Record<string, { spec: CommandSpec; run: (argv: string[], log: Log) => Promise<number> }> = {
  train: { spec: TRAIN_SPEC, run: trainCommand },
  eval: { spec: EVAL_SPEC, run: evalCommand },
  sample: { spec: SAMPLE_SPEC, run: sampleCommand },
  reconstruct: { spec: RECONSTRUCT_SPEC, run: reconstructCommand },
  manifold: { spec: MANIFOLD_SPEC, run: manifoldCommand },
  embed: { spec: EMBED_SPEC, run: embedCommand },
  interpolate: { spec: INTERPOLATE_SPEC, run: interpolateCommand },
  traverse: { spec: TRAVERSE_SPEC, run: traverseCommand },
  report: { spec: REPORT_SPEC, run: reportCommand },
  compare: { spec: COMPARE_SPEC, run: compareCommand },
  classify: { spec: CLASSIFY_SPEC, run: classifyCommand },
  analogies: { spec: ANALOGIES_SPEC, run: analogiesCommand },
  ssl: { spec: SSL_SPEC, run: sslCommand },
  serve: { spec: SERVE_SPEC, run: serveCommand },
  info: { spec: INFO_SPEC, run: infoCommand },
};

function overview(): string {
  const lines = ['vaekit: variational autoencoders and their family, in TypeScript', '', 'Usage: vaekit <command> [options]', '', 'Commands:'];
  for (const [name, { spec }] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(13)}${spec.summary}`);
  lines.push('', 'Run "vaekit <command> --help" for the options of a command.', 'Start with: vaekit train');
  return lines.join('\n') + '\n';
}

/** Runs the command line; returns the exit code (0 ok, 1 failure, 2 usage error, 130 interrupted). */
export async function main(argv: string[], log: Log = (s) => console.log(s)): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(overview());
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`vaekit: unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')}; see vaekit --help)\n`);
    return 2;
  }
  try {
    const code = await command.run(rest, log);
    if (code === -1) {
      process.stdout.write(helpText(command.spec));
      return 0;
    }
    return code;
  } catch (e) {
    const err = e as Error;
    const usage = err instanceof UsageError || err instanceof ConfigError;
    process.stderr.write(`vaekit ${name}: ${usage ? '' : 'error: '}${err.message}\n`);
    if (!usage && process.env.VAEKIT_DEBUG) process.stderr.write(`${err.stack}\n`);
    return usage ? 2 : 1;
  }
}
