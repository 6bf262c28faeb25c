/**
 * A run plan: a JSON file listing runs, each a name (its directory under the plan's output root) and the
 * `vaekit train` flags that make it. The output root is stored relative to the plan file, so a plan and its
 * runs can move together, and read the same from every machine that mounts them.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ensureDir, writeFileAtomic } from '../../node/files.js';
import { UsageError } from '../flags.js';

/** What a plan's last step writes once every run is done: the table of `vaekit ssl` or `vaekit compare`. */
export interface PlanFinish {
  command: 'ssl' | 'compare';
  /** The command's flags, less --out (the plan's output root). */
  args: string[];
  /** The table it writes into the output root. */
  table: string;
}

export interface PlanRun {
  /** The run directory under the output root; also the run's name in messages. */
  name: string;
  /** `vaekit train` flags, less --out, --resume and --threads (set when the run is trained). */
  args: string[];
  /** Epochs of the finished run. */
  epochs: number;
}

export interface Plan {
  vaekitPlan: 1;
  /** Random: names the plan's jobs on a queue. */
  id: string;
  /** The command line that made the plan. */
  made: string;
  /** Output root: relative to the plan file's folder unless absolute. */
  out: string;
  runs: PlanRun[];
  finish?: PlanFinish;
}

/** A plan read from its file, with where it lies. */
export interface LoadedPlan extends Plan {
  /** Absolute path of the plan file. */
  path: string;
  /** Absolute output root. */
  outDir: string;
}

export const PLAN_FILE = 'plan.json';

/** A new plan's id. */
export function newPlanId(): string {
  return randomBytes(6).toString('hex');
}

/** Refuses a run name that would leave the output root or clash with another run's directory. */
function checkRunNames(runs: PlanRun[], where: string): void {
  const seen = new Set<string>();
  for (const r of runs) {
    if (typeof r.name !== 'string' || r.name === '' || isAbsolute(r.name) || r.name.split(/[\\/]/).some((p) => p === '..' || p === '.' || p === '')) {
      throw new UsageError(`${where}: run name ${JSON.stringify(r.name)} is not a relative path inside the output root`);
    }
    if (seen.has(r.name)) throw new UsageError(`${where}: two runs are named ${r.name}`);
    seen.add(r.name);
    if (!Array.isArray(r.args) || r.args.some((a) => typeof a !== 'string')) throw new UsageError(`${where}: run ${r.name}: "args" must be a list of strings`);
    if (r.args.some((a) => ['--out', '--resume', '--force', '--threads', '--config'].includes(a.split('=')[0]))) {
      throw new UsageError(`${where}: run ${r.name}: --out, --resume, --force, --threads and --config are set by the plan's runner, not in "args"`);
    }
    if (!Number.isInteger(r.epochs) || r.epochs < 1) throw new UsageError(`${where}: run ${r.name}: "epochs" must be a positive integer`);
  }
}

/** Reads the plan at `path` (a plan file, or a folder holding plan.json); a usage error names what is wrong. */
export function readPlan(path: string): LoadedPlan {
  const file = resolve(existsSync(path) && statSync(path).isDirectory() ? join(path, PLAN_FILE) : path);
  let plan: Plan;
  try {
    plan = JSON.parse(readFileSync(file, 'utf8')) as Plan;
  } catch (e) {
    throw new UsageError(`cannot read the plan ${file}: ${(e as Error).message}`);
  }
  if (plan?.vaekitPlan !== 1) throw new UsageError(`${file} is not a vaekit plan (no "vaekitPlan": 1)`);
  if (typeof plan.id !== 'string' || !/^[A-Za-z0-9_-]+$/.test(plan.id)) throw new UsageError(`${file}: "id" must be letters, digits, - or _`);
  if (typeof plan.out !== 'string' || plan.out === '') throw new UsageError(`${file}: "out" must name the output root`);
  if (!Array.isArray(plan.runs) || plan.runs.length === 0) throw new UsageError(`${file}: "runs" must list at least one run`);
  checkRunNames(plan.runs, file);
  if (plan.finish !== undefined && !['ssl', 'compare'].includes(plan.finish.command)) throw new UsageError(`${file}: "finish.command" must be ssl or compare`);
  return { ...plan, path: file, outDir: resolve(dirname(file), plan.out) };
}

/** Writes `plan` to `file`, its output root made relative to the file's folder. */
export function writePlan(plan: Omit<Plan, 'out'>, outDir: string, file: string): string {
  const path = resolve(file);
  checkRunNames(plan.runs, path);
  ensureDir(dirname(path));
  const out = relative(dirname(path), resolve(outDir)) || '.';
  writeFileAtomic(path, JSON.stringify({ vaekitPlan: plan.vaekitPlan, id: plan.id, made: plan.made, out, runs: plan.runs, ...(plan.finish ? { finish: plan.finish } : {}) }, null, 2) + '\n');
  return path;
}

/** The run directory of `run`. */
export function runDirOf(plan: LoadedPlan, run: PlanRun): string {
  return join(plan.outDir, run.name);
}

/** The run of the plan called `name`. */
export function planRunNamed(plan: LoadedPlan, name: string): PlanRun {
  const run = plan.runs.find((r) => r.name === name);
  if (!run) throw new Error(`${plan.path} has no run named ${name}`);
  return run;
}
