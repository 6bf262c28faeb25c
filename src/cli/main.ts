import { ConfigError } from '../config/schema.js';
import { COMMANDS, Log } from './commands.js';
import { helpText, parseCommand, UsageError } from './flags.js';

function overview(): string {
  const lines = ['vaekit: variational autoencoders and their family, in TypeScript', '', 'Usage: vaekit <command> [options]', '', 'Commands:'];
  for (const [name, command] of COMMANDS) lines.push(`  ${name.padEnd(13)}${command.spec([]).summary}`);
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
  const command = COMMANDS.get(name);
  if (!command) {
    process.stderr.write(`vaekit: unknown command "${name}" (commands: ${[...COMMANDS.keys()].join(', ')}; see vaekit --help)\n`);
    return 2;
  }
  try {
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
    const usage = err instanceof UsageError || err instanceof ConfigError;
    process.stderr.write(`vaekit ${name}: ${usage ? '' : 'error: '}${err.message}\n`);
    if (!usage && process.env.VAEKIT_DEBUG) process.stderr.write(`${err.stack}\n`);
    return usage ? 2 : 1;
  }
}
