/** The run directory across commands: what counts as a run's file, and one writer at a time for ssl and compare. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ANALOGIES_SPEC } from '../../src/cli/specs/analogies.js';
import { CLASSIFY_SPEC } from '../../src/cli/specs/classify.js';
import { EMBED_SPEC } from '../../src/cli/specs/embed.js';
import { EVAL_SPEC } from '../../src/cli/specs/eval.js';
import { CommandSpec } from '../../src/cli/flags.js';
import { INTERPOLATE_SPEC } from '../../src/cli/specs/interpolate.js';
import { MANIFOLD_SPEC } from '../../src/cli/specs/manifold.js';
import { RECONSTRUCT_SPEC } from '../../src/cli/specs/reconstruct.js';
import { REPORT_SPEC } from '../../src/cli/specs/report.js';
import { SAMPLE_SPEC } from '../../src/cli/specs/sample.js';
import { TRAVERSE_SPEC } from '../../src/cli/specs/traverse.js';
import { RUN_OUTPUTS } from '../../src/node/runFiles.js';
import { buildOnce, listFiles, removeTempDirs, tempDir, transcript, vaekitInProcess } from './helpers.js';

before(() => buildOnce());
after(() => removeTempDirs());

const SLICE = ['--limit', '600', '--val-size', '100'];

test('every file a command writes beside a checkpoint by default is one of the run\'s files', () => {
  const specs: CommandSpec[] = [ANALOGIES_SPEC, CLASSIFY_SPEC, EMBED_SPEC, EVAL_SPEC, INTERPOLATE_SPEC, MANIFOLD_SPEC, RECONSTRUCT_SPEC, REPORT_SPEC, SAMPLE_SPEC, TRAVERSE_SPEC];
  for (const spec of specs) {
    const out = spec.flags.find((f) => f.flag === 'out');
    const name = /^(\S+) beside the checkpoint(;|$)/.exec(out?.defaultText ?? '')?.[1];
    assert.ok(name, `${spec.name}: --out defaults to a file beside the checkpoint`);
    assert.ok(RUN_OUTPUTS.includes(name), `${spec.name} writes ${name}, not in RUN_OUTPUTS`);
  }
});

/** The holder of the locks below: another live process on this host, the one that started this test file. */
const HOLDER = process.ppid;

/** A lock file naming HOLDER, as a running vaekit would leave it. */
function holdDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'vaekit.lock'), JSON.stringify({ pid: HOLDER, host: hostname(), command: 'vaekit ssl', since: '2024-05-01T10:00:00.000Z', token: 'feedfacecafebeef' }));
}

test('ssl refuses a seed\'s run directory that another vaekit holds, naming it', async () => {
  const cwd = tempDir();
  const seedDir = join(cwd, 'out', 'm2-100', 'seed-0');
  holdDirectory(seedDir);
  const r = await vaekitInProcess(['ssl', '--model', 'm2', '--labels', '100', '--seeds', '1', '--epochs', '1', ...SLICE, '--latent', '4', '--hidden', '16', '--classifier-hidden', '16', '--out', 'out'], cwd);
  assert.equal(r.code, 1, transcript(r));
  assert.ok(r.stderr.includes(`${join('out', 'm2-100', 'seed-0')} is in use by another vaekit: pid ${HOLDER}`), transcript(r));
  assert.deepEqual(listFiles(seedDir), ['vaekit.lock']);
});

test('compare refuses a run another vaekit holds; a run stopped before its first checkpoint is started afresh', async () => {
  const cwd = tempDir();
  const args = ['compare', '--models', 'pca', '--latent', '2', '--out', 'cmp', ...SLICE, '--epochs', '1', '--test-limit', '100', '--digits', '4'];
  holdDirectory(join(cwd, 'cmp', 'pca-z2'));
  const held = await vaekitInProcess(args, cwd);
  assert.equal(held.code, 1, transcript(held));
  assert.ok(held.stderr.includes(`${join('cmp', 'pca-z2')} is in use by another vaekit: pid ${HOLDER}`), transcript(held));

  // What a run killed in its first epoch leaves: its config, no checkpoint.
  rmSync(join(cwd, 'cmp', 'pca-z2', 'vaekit.lock'));
  writeFileSync(join(cwd, 'cmp', 'pca-z2', 'config.json'), '{}');
  const r = await vaekitInProcess(args, cwd);
  assert.equal(r.code, 0, transcript(r));
  assert.deepEqual(listFiles(join(cwd, 'cmp', 'pca-z2')), ['best.ckpt', 'config.json', 'history.json', 'last.ckpt']);
});

test('compare --out where no directory can be made fails at once, naming --out', { skip: !existsSync('/proc/self') }, async () => {
  const r = await vaekitInProcess(['compare', '--models', 'pca', '--latent', '2', '--out', '/proc/vaekit-x'], tempDir());
  assert.equal(r.code, 2, transcript(r));
  assert.ok(r.stderr.includes('--out: cannot create directory /proc/vaekit-x'), transcript(r));
});
