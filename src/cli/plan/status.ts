/** `vaekit plan status`: where each run of a plan stands, from its run directory and, if given, the queue. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LoadedPlan, runDirOf } from './planFile.js';
import { runState, RunState, runStateText } from './runState.js';

export interface PlanStatus {
  plan: string;
  outDir: string;
  counts: Record<RunState['state'], number>;
  runs: { name: string; dir: string; status: RunState; job?: string }[];
  /** The plan's table, once written. */
  table: string | null;
}

export function planStatus(plan: LoadedPlan, jobs?: Map<string, string>): PlanStatus {
  const counts: PlanStatus['counts'] = { waiting: 0, training: 0, stopped: 0, done: 0, failed: 0 };
  const runs = plan.runs.map((r) => {
    const dir = runDirOf(plan, r);
    const status = runState(dir, r.epochs);
    counts[status.state]++;
    return { name: r.name, dir, status, ...(jobs ? { job: jobs.get(r.name) ?? 'not queued' } : {}) };
  });
  const table = plan.finish ? join(plan.outDir, plan.finish.table) : null;
  return { plan: plan.path, outDir: plan.outDir, counts, runs, table: table !== null && existsSync(table) ? table : null };
}

export function planStatusText(s: PlanStatus): string {
  const order: RunState['state'][] = ['done', 'training', 'stopped', 'waiting', 'failed'];
  const summary = order.filter((k) => s.counts[k] > 0).map((k) => `${s.counts[k]} ${k}`).join(', ');
  const width = Math.max(...s.runs.map((r) => r.name.length));
  const lines = [`plan ${s.plan}: ${s.runs.length} runs into ${s.outDir}: ${summary}`];
  for (const r of s.runs) lines.push(`  ${r.name.padEnd(width)}  ${runStateText(r.status)}${r.job !== undefined ? `  [queue: ${r.job}]` : ''}`);
  if (s.table) lines.push(`table: ${s.table}`);
  return lines.join('\n');
}
