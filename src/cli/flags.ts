import { parseArgs } from 'node:util';
import { ConfigError, FieldSpec, FieldType, parseFlag } from '../config/schema.js';
import { didYouMean } from './suggest.js';

/** A flag of a command that is not part of the run config. */
export interface CommandFlag {
  flag: string;
  help: string;
  type: FieldType | { type: 'boolean' };
  /** Shown in --help. */
  defaultText?: string;
  /** May be given several times: its value is then the list of the values given. */
  repeatable?: boolean;
}

/** A group of config fields shown together in --help, with their defaults. */
export interface FieldGroup {
  title: string;
  section: 'model' | 'train' | 'data';
  fields: FieldSpec[];
  defaults: object;
}

export interface CommandSpec {
  /** The words after `vaekit`: a subcommand's spec is named by several ("plan make sweep"), given before its flags. */
  name: string;
  summary: string;
  usage: string;
  flags: CommandFlag[];
  groups?: FieldGroup[];
  /** Names of the positional arguments, in order; all required. */
  positionals?: string[];
  /** Names of optional positional arguments, after the required ones. */
  optionalPositionals?: string[];
  examples?: string[];
  /**
   * Flags the command takes in another setting (another --model), each with what to say when one is given
   * here: "does not apply to --model ae; ...", rather than "unknown flag".
   */
  elsewhere?: ReadonlyMap<string, string>;
}

/** A mistake on the command line: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ParsedCommand {
  /** The command line as given, after the command's name. */
  argv: string[];
  positionals: string[];
  /** Values of the command's own flags, by flag name. */
  flags: Record<string, unknown>;
  /** Config values given as flags, by section. */
  config: { model: Record<string, unknown>; train: Record<string, unknown>; data: Record<string, unknown> };
  help: boolean;
}

/** An unknown flag: one that applies elsewhere says where, else the nearest known flags are suggested. */
function unknownFlag(spec: CommandSpec, flag: string, known: string[]): UsageError {
  const name = flag.replace(/^-+/, '');
  const elsewhere = spec.elsewhere?.get(name);
  if (elsewhere !== undefined) return new UsageError(`--${name} ${elsewhere}`);
  return new UsageError(`unknown flag ${flag} for "vaekit ${spec.name}"${didYouMean(name, known, '--')} (see vaekit ${spec.name} --help)`);
}

/** Parses argv strictly: an unknown flag, a missing value or a wrong type names the flag. */
export function parseCommand(spec: CommandSpec, argv: string[]): ParsedCommand {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = { help: { type: 'boolean', short: 'h' } };
  for (const f of spec.flags) options[f.flag] = { type: f.type.type === 'boolean' ? 'boolean' : 'string', ...(f.repeatable ? { multiple: true } : {}) };
  for (const g of spec.groups ?? []) {
    for (const f of g.fields) {
      options[f.flag] = { type: f.type.type === 'boolean' ? 'boolean' : 'string' };
      if (f.alias === undefined) continue;
      if (Object.hasOwn(options, f.alias)) throw new Error(`vaekit ${spec.name}: --${f.alias} names two flags`);
      options[f.alias] = options[f.flag];
    }
  }
  // parseArgs reads "--min-log-var -8" as a flag without a value; glue negative numbers to their flag.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : '';
    if (Object.hasOwn(options, name) && options[name].type === 'string' && /^-(\d|\.\d)/.test(argv[i + 1] ?? '')) args.push(`${argv[i]}=${argv[++i]}`);
    else args.push(argv[i]);
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    const err = e as Error & { code?: string };
    const flag = /'(-[^' ]+)/.exec(err.message)?.[1] ?? '';
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw unknownFlag(spec, flag, Object.keys(options));
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`${flag.split(' ')[0]}: expected a value (see vaekit ${spec.name} --help)`);
    throw new UsageError(err.message);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  // The words of a subcommand's name after the command's own are its leading positionals.
  const out: ParsedCommand = { argv, positionals: parsed.positionals.slice(spec.name.split(' ').length - 1), flags: {}, config: { model: {}, train: {}, data: {} }, help: values.help === true };
  if (out.help) return out;
  try {
    for (const f of spec.flags) {
      const raw = values[f.flag];
      if (raw === undefined) continue;
      const type = f.type;
      const one = (text: string) => (type.type === 'boolean' ? text : parseFlag({ key: f.flag, flag: f.flag, help: f.help, type }, text));
      out.flags[f.flag] = typeof raw === 'boolean' ? raw : Array.isArray(raw) ? raw.map(one) : one(raw);
    }
    for (const g of spec.groups ?? []) {
      for (const f of g.fields) {
        if (f.alias !== undefined && values[f.alias] !== undefined && values[f.flag] !== undefined) throw new UsageError(`--${f.alias} is another name for --${f.flag}: give one of them`);
        const [flag, raw] = f.alias !== undefined && values[f.alias] !== undefined ? [f.alias, values[f.alias]] : [f.flag, values[f.flag]];
        if (raw !== undefined) out.config[g.section][f.key] = typeof raw === 'boolean' || Array.isArray(raw) ? raw : parseFlag({ ...f, flag }, raw);
      }
    }
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  const wanted = spec.positionals ?? [];
  if (out.positionals.length < wanted.length) throw new UsageError(`"vaekit ${spec.name}" needs ${wanted.map((p) => `<${p}>`).join(' ')} (see vaekit ${spec.name} --help)`);
  const most = wanted.length + (spec.optionalPositionals?.length ?? 0);
  if (out.positionals.length > most) throw new UsageError(`unexpected argument "${out.positionals[most]}" for "vaekit ${spec.name}" (see vaekit ${spec.name} --help)`);
  return out;
}

function typeText(t: FieldType | { type: 'boolean' }): string {
  if (t.type === 'boolean') return '';
  if (t.type === 'enum') return ` <${t.choices.join('|')}>`;
  if (t.type === 'int-list') return ' <n,n,...>';
  return t.type === 'string' ? ' <text>' : ' <n>';
}

function row(left: string, help: string): string {
  return left.length < 30 ? `  ${left.padEnd(30)}${help}` : `  ${left}\n  ${' '.repeat(30)}${help}`;
}

/** The --help text: usage, every flag with its type, default and meaning, and examples. */
export function helpText(spec: CommandSpec): string {
  const lines = [`vaekit ${spec.name}: ${spec.summary}`, '', `Usage: ${spec.usage}`, ''];
  for (const g of spec.groups ?? []) {
    lines.push(`${g.title}:`);
    for (const f of g.fields) {
      const def = (g.defaults as Record<string, unknown>)[f.key];
      const defText = Array.isArray(def) ? def.join(',') : def === null ? 'none' : String(def);
      lines.push(row(`--${f.flag}${f.alias !== undefined ? `, --${f.alias}` : ''}${typeText(f.type)}`, `${f.help} (default ${defText})`));
    }
    lines.push('');
  }
  lines.push('Options:');
  for (const f of spec.flags) {
    const suffix = `${f.repeatable ? ' (may be given several times)' : ''}${f.defaultText !== undefined ? ` (default ${f.defaultText})` : ''}`;
    lines.push(row(`--${f.flag}${typeText(f.type)}`, `${f.help}${suffix}`));
  }
  lines.push(row('--help, -h', 'show this help'));
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return lines.join('\n') + '\n';
}
