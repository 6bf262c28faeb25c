/** Shared by the plan tests: tiny MNIST runs, and a run's figures to compare with the same run trained alone. */
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, transcript, vaekitInProcess } from '../cli/helpers.js';

/** Flags of a run that trains in well under a second an epoch. */
export const TINY = ['--limit', '600', '--val-size', '100', '--epochs', '3', '--hidden', '16', '--batch-size', '25'];

export interface PlanFile {
  id: string;
  out: string;
  runs: { name: string; args: string[]; epochs: number }[];
}

export function readPlanFile(path: string): PlanFile {
  return JSON.parse(readFileSync(path, 'utf8')) as PlanFile;
}

/** A run's figures: its resolved config and every epoch's losses (the seconds each took set aside). */
export function figures(dir: string): { config: unknown; history: unknown } {
  const history = (JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8')) as Record<string, unknown>[]).map(({ seconds: _s, ...rest }) => rest);
  return { config: JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')), history };
}

/** Starts `vaekit ...args` and collects what it says. */
export function start(args: string[], cwd: string): { child: ChildProcess; out: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d) => (text += String(d)));
  child.stderr!.on('data', (d) => (text += String(d)));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  return { child, out: () => text, exited };
}

/**
 * Trains each run of the plan alone with `vaekit train` (through the CLI's `main` in this process, one after
 * another) into ref/<name>, and checks the plan's run has the same figures.
 */
export async function assertSameAsAlone(plan: PlanFile, outDir: string, refDir: string, cwd: string): Promise<void> {
  for (const r of plan.runs) {
    const p = await vaekitInProcess(['train', ...r.args, '--threads', '1', '--out', join(refDir, r.name)], cwd);
    assert.equal(p.code, 0, transcript(p));
  }
  for (const r of plan.runs) {
    const a = figures(join(outDir, r.name));
    const b = figures(join(refDir, r.name));
    assert.deepEqual(a.config, b.config, `${r.name}: config`);
    assert.deepEqual(a.history, b.history, `${r.name}: history`);
  }
}
