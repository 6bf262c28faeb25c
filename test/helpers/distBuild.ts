/**
 * dist/src, which bin/vaekit.js imports, compiled from src/ when stale. Test files that run the CLI share one
 * build, even when the runner starts them side by side: a lock directory lets one process compile while the
 * others wait, and a fresh build (as `npm ci` leaves it) is not compiled again.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'src');
const OUT = join(ROOT, 'dist', 'src');
const LOCK = join(ROOT, 'dist', '.build-lock');
/** Files whose change can change every output. */
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((f) => join(ROOT, f));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every source has its compiled file, newer than the source and than the compiler settings. */
function isFresh(): boolean {
  const configs = Math.max(...CONFIGS.map((f) => statSync(f, { throwIfNoEntry: false })?.mtimeMs ?? 0));
  return sourceFiles(SRC).every((ts) => {
    const js = statSync(join(OUT, relative(SRC, ts)).replace(/\.ts$/, '.js'), { throwIfNoEntry: false });
    return js !== undefined && js.mtimeMs >= Math.max(statSync(ts).mtimeMs, configs);
  });
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid written in the lock, or null when there is none (yet). */
function lockHolder(): number | null {
  try {
    const pid = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
    return pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Takes the lock, or waits while a live process holds it; a lock left by a dead process is taken over. */
function acquireLock(timeoutMs: number): void {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = lockHolder();
    // No pid yet: the holder is between mkdir and writeFile; wait for it.
    if (holder !== null && !isAlive(holder)) rmSync(LOCK, { recursive: true, force: true });
    else if (Date.now() > deadline) throw new Error(`${LOCK} held by pid ${holder} for over ${timeoutMs / 1000} s`);
    else sleep(100);
  }
}

/**
 * Compiles src/ to dist/ unless it is fresh; throws with the compiler's output on failure. Types are not
 * checked here (`npm test` type-checks the whole tree first), which makes the emit several times faster.
 */
export function buildDist(): void {
  if (isFresh()) return;
  acquireLock(300_000);
  try {
    if (isFresh()) return;
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--noCheck'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: 'pipe',
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`build failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  } finally {
    if (lockHolder() === process.pid) rmSync(LOCK, { recursive: true, force: true });
  }
}
