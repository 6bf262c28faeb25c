import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCK_FILE, lockRunDirectory, RunDirectoryLockedError } from '../../src/node/runLock.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function withTempDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'vaekit-lock-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The id of a process that has ended. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

function writeLock(dir: string, owner: Record<string, unknown>): void {
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ command: 'vaekit train', since: '2024-05-01T10:00:00.000Z', token: 'feedfacecafebeef', ...owner }));
}

function assertLocked(dir: string, parts: (string | RegExp)[]): void {
  assert.throws(
    () => lockRunDirectory(dir, 'vaekit train'),
    (err: unknown) => {
      assert.ok(err instanceof RunDirectoryLockedError, String(err));
      for (const p of parts) {
        if (typeof p === 'string') assert.ok(err.message.includes(p), `${JSON.stringify(p)} in: ${err.message}`);
        else assert.match(err.message, p);
      }
      return true;
    },
  );
}

test('the lock file names its owner, and release removes it', () => {
  withTempDir((dir) => {
    const lock = lockRunDirectory(dir, 'vaekit train');
    const owner = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    assert.equal(owner.pid, process.pid);
    assert.equal(owner.host, hostname());
    assert.equal(owner.command, 'vaekit train');
    assert.equal(lock.replaced, null);
    lock.release();
    lock.release();
    assert.deepEqual(readdirSync(dir), []);
  });
});

test('a held run directory is refused, naming the holder and the lock file; once released it can be taken', () => {
  withTempDir((dir) => {
    const first = lockRunDirectory(dir, 'vaekit ssl');
    assertLocked(dir, [dir, `pid ${process.pid} on ${hostname()}`, 'vaekit ssl', join(dir, LOCK_FILE)]);
    first.release();
    lockRunDirectory(dir, 'vaekit train').release();
  });
});

test('a lock whose process is gone is taken over, and its owner reported', () => {
  withTempDir((dir) => {
    const dead = deadPid();
    writeLock(dir, { pid: dead, host: hostname() });
    const lock = lockRunDirectory(dir, 'vaekit train');
    assert.equal(lock.replaced?.pid, dead);
    assert.equal(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid, process.pid);
    lock.release();
    assert.deepEqual(readdirSync(dir), []);
  });
});

test('a lock of another host is never taken over; an unreadable one neither', () => {
  withTempDir((dir) => {
    writeLock(dir, { pid: deadPid(), host: 'elsewhere.example' });
    assertLocked(dir, ['on elsewhere.example', 'if that process is gone, delete']);
    writeFileSync(join(dir, LOCK_FILE), '');
    assertLocked(dir, [`locked by ${join(dir, LOCK_FILE)}, which cannot be read`]);
  });
});

test('release leaves a lock that is no longer its own', () => {
  withTempDir((dir) => {
    const lock = lockRunDirectory(dir, 'vaekit train');
    writeLock(dir, { pid: process.pid, host: hostname(), token: 'another' });
    lock.release();
    assert.ok(existsSync(join(dir, LOCK_FILE)));
  });
});

test('taking the lock removes temporary files left by killed writers', () => {
  withTempDir((dir) => {
    const stale = `last.ckpt.tmp-${deadPid()}-0123456789ab`;
    writeFileSync(join(dir, stale), 'half a checkpoint');
    const lock = lockRunDirectory(dir, 'vaekit train');
    assert.deepEqual(lock.removedTempFiles, [stale]);
    lock.release();
    assert.deepEqual(readdirSync(dir), []);
  });
});

test('the lock is released when the process exits without releasing it, by process.exit or an uncaught error', () => {
  withTempDir((dir) => {
    for (const end of ['process.exit(3)', "throw new Error('boom')"]) {
      const script = `import { lockRunDirectory } from './src/node/runLock.ts'; lockRunDirectory(${JSON.stringify(dir)}, 'vaekit train'); ${end};`;
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
      assert.notEqual(r.status, 0, r.stderr);
      assert.deepEqual(readdirSync(dir), [], `${end}: ${r.stderr}`);
    }
  });
});
