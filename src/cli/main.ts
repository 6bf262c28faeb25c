import { ConfigError } from '../config/schema.js';
import { RunOptionError } from '../io/runOptionError.js';
import { Command, COMMANDS, Log } from './commands.js';
import { helpText, parseCommand, UsageError } from './flags.js';
import { inFlagTerms } from './sharedFlags.js';
import { didYouMean } from './suggest.js';
import { packageVersion } from './version.js';

function overview(): string {
  const lines = ['vaekit: variational autoencoders and their family, in TypeScript', '', 'Usage: vaekit <command> [options]', '', 'Commands:'];
  for (const [name, command] of COMMANDS) lines.push(`  ${name.padEnd(13)}${command.spec([]).summary}`);
  lines.push(
    '',
    'Run "vaekit help <command>" (or "vaekit <command> --help") for the options of a command,',
    '"vaekit --version" for the version.',
    'Start with: vaekit train',
  );
  return lines.join('\n') + '\n';
}

/** The command called `name`, or a usage error naming it and the nearest commands. */
function commandNamed(name: string): Command {
  const command = COMMANDS.get(name);
  if (command) return command;
  throw new UsageError(`unknown command "${name}"${didYouMean(name, COMMANDS.keys())} (commands: ${[...COMMANDS.keys()].join(', ')}; see vaekit --help)`);
}

/** Runs the command line; returns the exit code (0 ok, 1 failure, 2 usage error, 130 interrupted). */
export async function main(argv: string[], log: Log = (s) => console.log(s)): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    process.stdout.write(overview());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    log(`vaekit ${packageVersion()}`);
    return 0;
  }
  // Messages carry no prefix of their own: the one said here names the command, or vaekit itself.
  let prefix = 'vaekit';
  try {
    if (name === 'help') {
      const spec = commandNamed(rest[0]).spec(rest.slice(1));
      process.stdout.write(helpText(spec));
      return 0;
    }
    const command = commandNamed(name);
    prefix = `vaekit ${name}`;
    const spec = command.spec(rest);
    const args = parseCommand(spec, rest);
    if (args.help) {
      process.stdout.write(helpText(spec));
      return 0;
    }
    const run = await command.load();
    return await run(args, log);
  } catch (e) {
    const err = e as Error;
    const usage = err instanceof UsageError || err instanceof ConfigError || err instanceof RunOptionError;
    const message = err instanceof ConfigError ? inFlagTerms(err.message) : err.message;
    process.stderr.write(`${prefix}: ${usage ? '' : 'error: '}${message}\n`);
    if (!usage && process.env.VAEKIT_DEBUG) process.stderr.write(`${err.stack}\n`);
    return usage ? 2 : 1;
  }
}
