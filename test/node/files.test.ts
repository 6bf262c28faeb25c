import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDir, readFileOrThrow, removeStaleTempFiles, writeFileAtomic } from '../../src/node/files.js';

function withTempDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'vaekit-files-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('writeFileAtomic writes and overwrites, leaving no temporary file', () => {
  withTempDir((dir) => {
    const path = join(dir, 'model.ckpt');
    writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    assert.deepEqual([...readFileSync(path)], [1, 2, 3]);
    writeFileAtomic(path, 'second version');
    assert.equal(readFileSync(path, 'utf8'), 'second version');
    assert.deepEqual(readdirSync(dir), ['model.ckpt']);
  });
});

/** The id of a process that has ended. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid!;
}

test('writeFileAtomic removes the temporary files of its target left by a process that is gone', () => {
  withTempDir((dir) => {
    const dead = deadPid();
    const stale = `model.ckpt.tmp-${dead}-0123456789ab`;
    const live = `model.ckpt.tmp-${process.ppid}-0123456789ab`;
    const otherTarget = `history.json.tmp-${dead}-0123456789ab`;
    const notOurs = 'model.ckpt.tmp';
    for (const f of [stale, live, otherTarget, notOurs]) writeFileSync(join(dir, f), 'x');
    writeFileAtomic(join(dir, 'model.ckpt'), 'new');
    assert.deepEqual(readdirSync(dir).sort(), [otherTarget, 'model.ckpt', notOurs, live].sort());
  });
});

test('removeStaleTempFiles removes every temporary file whose process is gone, and names them', () => {
  withTempDir((dir) => {
    const dead = deadPid();
    const stale = [`last.ckpt.tmp-${dead}-0123456789ab`, `history.json.tmp-${dead}-ba9876543210`];
    const live = `best.ckpt.tmp-${process.pid}-0123456789ab`;
    for (const f of [...stale, live, 'config.json']) writeFileSync(join(dir, f), 'x');
    assert.deepEqual(removeStaleTempFiles(dir).sort(), stale.sort());
    assert.deepEqual(readdirSync(dir).sort(), ['config.json', live].sort());
    assert.deepEqual(removeStaleTempFiles(join(dir, 'missing')), []);
  });
});

test('writeFileAtomic writes a large buffer whole', () => {
  withTempDir((dir) => {
    const path = join(dir, 'big.bin');
    const data = new Uint8Array(5_000_000).map((_, i) => i * 7);
    writeFileAtomic(path, data);
    assert.deepEqual(new Uint8Array(readFileSync(path)), data);
  });
});

test('a failed rename leaves the target untouched and no temporary file', () => {
  withTempDir((dir) => {
    const target = join(dir, 'taken');
    mkdirSync(target);
    writeFileSync(join(target, 'keep.txt'), 'precious');
    assert.throws(() => writeFileAtomic(target, 'new'), (err: Error) => err.message.includes(target));
    assert.equal(readFileSync(join(target, 'keep.txt'), 'utf8'), 'precious');
    assert.deepEqual(readdirSync(dir), ['taken']);
  });
});

test('writeFileAtomic into a missing directory names the path', () => {
  withTempDir((dir) => {
    const path = join(dir, 'missing', 'model.ckpt');
    assert.throws(() => writeFileAtomic(path, 'x'), (err: Error) => err.message.includes(path));
    assert.deepEqual(readdirSync(dir), []);
  });
});

test('ensureDir creates nested directories and accepts existing ones', () => {
  withTempDir((dir) => {
    const nested = join(dir, 'a', 'b', 'c');
    ensureDir(nested);
    ensureDir(nested);
    writeFileAtomic(join(nested, 'f'), 'ok');
    assert.deepEqual(readdirSync(nested), ['f']);
  });
});

test('ensureDir refuses a file in the way', () => {
  withTempDir((dir) => {
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    assert.throws(() => ensureDir(file), /a file is in the way/);
    assert.throws(() => ensureDir(join(file, 'sub')), /a file is in the way/);
  });
});

test('ensureDir fails at once where the system refuses a directory under an existing one (/proc)', { skip: !existsSync('/proc/self') }, () => {
  // In a child process: a mkdir that retries forever would hang the test runner itself.
  const script = "import { ensureDir } from './src/node/files.ts'; try { ensureDir('/proc/vaekit-x/run'); } catch (e) { console.log(e.message); }";
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.error, undefined, 'ensureDir returned');
  assert.match(r.stdout, /^cannot create directory \/proc\/vaekit-x\/run: /);
});

test('readFileOrThrow returns plain bytes and names missing files and directories', () => {
  withTempDir((dir) => {
    const path = join(dir, 'config.json');
    writeFileSync(path, '{}');
    const bytes = readFileOrThrow(path, 'config');
    assert.equal(Object.getPrototypeOf(bytes), Uint8Array.prototype);
    assert.deepEqual([...bytes], [0x7b, 0x7d]);

    const missing = join(dir, 'nope.ckpt');
    assert.throws(() => readFileOrThrow(missing, 'checkpoint'), { message: `checkpoint not found: ${missing}` });
    assert.throws(() => readFileOrThrow(dir, 'checkpoint'), { message: `${dir} is a directory, expected a file` });
  });
});

test('readFileOrThrow refuses a FIFO at once instead of waiting for a writer', { skip: process.platform === 'win32' && 'no FIFOs' }, () => {
  withTempDir((dir) => {
    const fifo = join(dir, 'last.ckpt');
    execFileSync('mkfifo', [fifo]);
    assert.throws(() => readFileOrThrow(fifo, 'checkpoint'), { message: `${fifo} is a FIFO (named pipe), expected a file` });
  });
});
