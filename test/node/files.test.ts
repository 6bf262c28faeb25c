import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDir, readFileOrThrow, writeFileAtomic } from '../../src/node/files.js';

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
