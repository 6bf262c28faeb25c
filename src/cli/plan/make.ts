/**
 * `vaekit plan make ssl|compare|sweep`: the runs those experiments train, as a plan file. Each run's flags are
 * checked as `vaekit train` would parse them, so a mistake shows now, not on a worker hours later.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveRunConfig, unusedTrainSettings } from '../../config/run.js';
import { ConfigError, FieldSpec, parseFlag } from '../../config/schema.js';
import { isModelKind, MODEL_KINDS } from '../../models/registry.js';
import { DATASET_NAMES } from '../../node/datasets.js';
import { forwardedFlags } from '../compareFlags.js';
import { FieldGroup, parseCommand, ParsedCommand, UsageError } from '../flags.js';
import { configGroups, inFlagTerms, modelKindOf } from '../sharedFlags.js';
import { COMPARE_SPEC } from '../specs/compare.js';
import { sslSpec } from '../specs/ssl.js';
import { trainSpec } from '../specs/train.js';
import { newPlanId, Plan, PLAN_FILE, PlanFinish, PlanRun, readPlan, writePlan } from './planFile.js';

type Config = ParsedCommand['config'];

/** A plan's runs before their epochs are known, and its last step. */
interface MadeRuns {
  runs: Omit<PlanRun, 'epochs'>[];
  finish?: PlanFinish;
}

/** The ssl protocol's validation images (as `vaekit ssl` holds out unless --val-size says otherwise). */
const SSL_VALIDATION_IMAGES = 10000;

/** Data paths made absolute: runs are trained from wherever a worker starts. */
function withAbsolutePaths(config: Config): Config {
  const data = { ...config.data };
  if (typeof data.dataDir === 'string' && data.dataDir !== '') data.dataDir = resolve(data.dataDir);
  if (typeof data.data === 'string' && !(DATASET_NAMES as readonly string[]).includes(data.data) && existsSync(data.data)) data.data = resolve(data.data);
  return { ...config, data };
}

/** The config values set, as the flags of `groups` that set them. */
function configFlags(groups: FieldGroup[], config: Config): string[] {
  const out: string[] = [];
  for (const g of groups) {
    for (const f of g.fields) {
      const v = config[g.section][f.key];
      if (v === undefined) continue;
      if (f.type.type === 'boolean') {
        if (v === true) out.push(`--${f.flag}`);
      } else out.push(`--${f.flag}`, Array.isArray(v) ? v.join(',') : v === null ? '' : String(v));
    }
  }
  return out;
}

/** The flags of --backend, when given: passed on to every run. */
function backendFlags(args: ParsedCommand): string[] {
  return args.flags.backend !== undefined ? ['--backend', String(args.flags.backend)] : [];
}

/** Checks `args` as `vaekit train` would parse them; returns the run's epochs. */
function checkedEpochs(name: string, args: string[]): number {
  try {
    const parsed = parseCommand(trainSpec(modelKindOf(args)), args);
    const kind = (parsed.flags.model as string | undefined) ?? 'vae';
    const unused = unusedTrainSettings(kind, { train: parsed.config.train });
    if (unused.length > 0) throw new UsageError(`${unused.map((u) => `train.${u.key}`).join(', ')}: ${unused[0].reason}`);
    return resolveRunConfig([{ source: 'flags', values: { ...parsed.config, model: { ...parsed.config.model, kind } } }]).train.epochs;
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) throw new UsageError(`run ${name}: ${inFlagTerms(e.message)}`);
    throw e;
  }
}

function sslRuns(args: ParsedCommand): MadeRuns {
  const kind = (args.flags.model as string | undefined) ?? 'm2';
  const labels = (args.flags.labels as number[] | undefined) ?? [100];
  for (const n of labels) if (n % 10 !== 0) throw new UsageError(`--labels ${n}: the labels are balanced over 10 classes, so each count must be a multiple of 10`);
  const seeds = (args.flags.seeds as number | undefined) ?? 3;
  const config = withAbsolutePaths(args.config);
  const shared = [...configFlags(sslSpec(kind).groups ?? [], config), ...backendFlags(args)];
  const val = config.data.valSize === undefined ? ['--val-size', String(SSL_VALIDATION_IMAGES)] : [];
  const runs = labels.flatMap((n) => Array.from({ length: seeds }, (_, s) => ({ name: `${kind}-${n}/seed-${s}`, args: ['--model', kind, '--labelled', String(n), '--seed', String(s), ...val, ...shared] })));
  return { runs, finish: { command: 'ssl', args: ['--model', kind, '--labels', labels.join(','), '--seeds', String(seeds), ...shared], table: 'ssl.md' } };
}

function compareRuns(args: ParsedCommand): MadeRuns {
  const kinds = ((args.flags.models as string | undefined) ?? 'pca,ae,dae,cae,vae').split(',').map((s) => s.trim());
  for (const k of kinds) if (!isModelKind(k)) throw new UsageError(`--models: unknown model kind "${k}" (known: ${Object.keys(MODEL_KINDS).join(', ')})`);
  const latents = (args.flags.latent as number[] | undefined) ?? [2, 5, 20];
  const config = withAbsolutePaths(args.config);
  const runs = kinds.flatMap((kind) => latents.map((latent) => ({ name: `${kind}-z${latent}`, args: ['--model', kind, '--latent', String(latent), ...forwardedFlags(config, kind), ...backendFlags(args)] })));
  const own = (['digits', 'test-limit'] as const).flatMap((f) => (args.flags[f] !== undefined ? [`--${f}`, String(args.flags[f])] : []));
  const finishArgs = ['--models', kinds.join(','), '--latent', latents.join(','), ...configFlags(COMPARE_SPEC.groups ?? [], config), ...own, ...backendFlags(args)];
  return { runs, finish: { command: 'compare', args: finishArgs, table: 'compare.md' } };
}

/** One --set: a config key and the values it takes. */
interface SweepAxis {
  section: 'model' | 'train' | 'data';
  key: string;
  /** Flag name, for run names. */
  flag: string;
  raw: string[];
  values: unknown[];
}

function fieldFor(section: string, key: string, kinds: string[]): FieldSpec | undefined {
  const groups = kinds.flatMap((k) => configGroups(k));
  return groups.filter((g) => g.section === section).flatMap((g) => g.fields).find((f) => f.key === key);
}

function parseSet(text: string, baseKind: string): SweepAxis {
  const m = /^(model|train|data)\.([A-Za-z]+)=(.+)$/.exec(text);
  if (!m) throw new UsageError(`--set ${text}: expected section.key=value,value (e.g. train.lr=1e-3,3e-4)`);
  const [, section, key, list] = m as unknown as [string, 'model' | 'train' | 'data', string, string];
  if (section === 'model' && key === 'kind') {
    const raw = list.split(',');
    for (const k of raw) if (!isModelKind(k)) throw new UsageError(`--set model.kind: unknown model kind "${k}" (known: ${Object.keys(MODEL_KINDS).join(', ')})`);
    return { section, key, flag: 'model', raw, values: raw };
  }
  const field = fieldFor(section, key, [baseKind, ...Object.keys(MODEL_KINDS)]);
  if (!field) throw new UsageError(`--set ${section}.${key}: no such config key (see vaekit train --model ${baseKind} --help; a --config file's keys)`);
  const raw = list.split(field.type.type === 'int-list' ? ';' : ',');
  try {
    return { section, key, flag: field.flag, raw, values: raw.map((r) => (field.type.type === 'boolean' ? r === 'true' : parseFlag(field, r))) };
  } catch (e) {
    throw new UsageError(`--set ${section}.${key}: ${(e as Error).message}`);
  }
}

/** Every combination of the axes' values, in order (the last axis varies fastest). */
function product(axes: SweepAxis[]): number[][] {
  return axes.reduce<number[][]>((acc, a) => acc.flatMap((c) => a.values.map((_, i) => [...c, i])), [[]]);
}

function sweepRuns(args: ParsedCommand): MadeRuns {
  const baseKind = (args.flags.model as string | undefined) ?? 'vae';
  if (!isModelKind(baseKind)) throw new UsageError(`--model: unknown model kind "${baseKind}" (known: ${Object.keys(MODEL_KINDS).join(', ')})`);
  const axes = ((args.flags.set as string[] | undefined) ?? []).map((s) => parseSet(s, baseKind));
  if (axes.length === 0) throw new UsageError('give at least one --set section.key=value,value (see vaekit plan make sweep --help)');
  const seen = new Set<string>();
  for (const a of axes) {
    if (seen.has(`${a.section}.${a.key}`)) throw new UsageError(`--set ${a.section}.${a.key} is given twice: list its values in one --set`);
    seen.add(`${a.section}.${a.key}`);
  }
  const base = withAbsolutePaths(args.config);
  const runs = product(axes).map((combo) => {
    const config: Config = { model: { ...base.model }, train: { ...base.train }, data: { ...base.data } };
    let kind: string = baseKind;
    combo.forEach((i, a) => {
      const axis = axes[a];
      if (axis.flag === 'model') kind = axis.values[i] as string;
      else config[axis.section][axis.key] = axis.values[i];
    });
    const name = combo.map((i, a) => `${axes[a].flag}-${axes[a].raw[i].replace(/[^A-Za-z0-9.+-]/g, '-')}`).join('_');
    return { name, args: ['--model', kind, ...configFlags(configGroups(kind), withAbsolutePaths(config)), ...backendFlags(args)] };
  });
  return { runs };
}

export async function planMakeCommand(args: ParsedCommand, log: (s: string) => void): Promise<number> {
  const what = args.positionals[0];
  const made = what === 'ssl' ? sslRuns(args) : what === 'compare' ? compareRuns(args) : sweepRuns(args);
  const outDir = resolve((args.flags.out as string | undefined) ?? join('runs', what));
  const runs: PlanRun[] = made.runs.map((r) => ({ ...r, epochs: checkedEpochs(r.name, r.args) }));
  const file = resolve((args.flags.plan as string | undefined) ?? join(outDir, PLAN_FILE));
  // A plan made again keeps its id, so a queue sees the same jobs.
  let id = newPlanId();
  if (existsSync(file)) {
    try {
      id = readPlan(file).id;
    } catch {
      throw new UsageError(`--plan: ${file} exists and is not a vaekit plan; name another file`);
    }
  }
  const finish = made.finish;
  const plan: Omit<Plan, 'out'> = { vaekitPlan: 1, id, made: `vaekit plan ${args.argv.join(' ')}`, runs, ...(finish ? { finish } : {}) };
  const path = writePlan(plan, outDir, file);
  log(`plan: ${runs.length} runs (${runs.map((r) => r.name).slice(0, 4).join(', ')}${runs.length > 4 ? ', ...' : ''}) into ${outDir}`);
  log(`written to ${path}; train it here with: vaekit plan run ${path} --workers 2`);
  log(`or on many machines: vaekit plan submit ${path} --queue redis://HOST:6379, and vaekit worker --queue redis://HOST:6379 on each`);
  return 0;
}
