/**
 * scripts/vaekit_checkpoint.py reads and writes vaekit's checkpoint format with Python's standard library, so
 * weights can go to another framework and come back: a real run's checkpoint read there, every tensor doubled
 * and written back, loads in vaekit with its checksum whole; a damaged file is refused there, naming it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveRunConfig } from '../../src/config/run.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { createRun, disposeRun, runToCheckpoint } from '../../src/io/run.js';
import { initialTrainState } from '../../src/train/state.js';
import { useTestBackend } from '../helpers/engine.js';

const SCRIPTS = new URL('../../scripts/', import.meta.url).pathname;
const python = spawnSync('python3', ['--version']).status === 0 ? 'python3' : null;
const skip = python ? false : 'python3 not found';

function py(code: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(python!, ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(SCRIPTS)})\n${code}`, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('a checkpoint goes through Python and back: read, changed, written, loaded with its checksum', { skip }, async () => {
  await useTestBackend();
  const dir = mkdtempSync(join(tmpdir(), 'vaekit-py-'));
  const config = resolveRunConfig([{ source: 'test', values: { model: { kind: 'vae', latentDim: 2, hidden: [5] } } }]);
  const run = createRun(config, [4, 4, 1], initialTrainState());
  const original = runToCheckpoint(run);
  disposeRun(run);
  const file = join(dir, 'best.ckpt');
  writeFileSync(file, encodeCheckpoint(original));

  const doubled = join(dir, 'doubled.ckpt');
  const r = py('from vaekit_checkpoint import read, write\nmeta, t = read(sys.argv[1])\nwrite(sys.argv[2], meta, {k: [2 * v for v in vs] for k, vs in t.items()})\nprint(meta["config"]["model"]["kind"], len(t))', file, doubled);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), `vae ${original.tensors.size}`);

  const back = decodeCheckpoint(readFileSync(doubled), doubled);
  assert.deepEqual(back.meta, original.meta);
  assert.deepEqual([...back.tensors.keys()], [...original.tensors.keys()]);
  for (const [name, values] of original.tensors) {
    assert.deepEqual(Array.from(back.tensors.get(name)!), Array.from(values, (v) => Math.fround(2 * v)), name);
  }

  const damaged = readFileSync(file);
  damaged[damaged.length - 1] ^= 1;
  writeFileSync(file, damaged);
  const bad = py('from vaekit_checkpoint import read\nread(sys.argv[1])', file);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: checksum mismatch`));
});
