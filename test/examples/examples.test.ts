/**
 * The library examples (examples/*.ts) as a user runs them: they type-check, train a tiny run on MNIST into a
 * temporary directory (on the native engine where the addon loads), and the run directory they write is read
 * by `vaekit eval` and `vaekit report`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadNativeKernels } from '../../src/node/native.js';
import { buildOnce, CliResult, removeTempDirs, ROOT, tempDir, transcript, vaekitInProcess } from '../cli/helpers.js';

before(() => buildOnce());
after(() => removeTempDirs());

/** Runs `examples/<name>` with tsx from the repository root, as the README shows. */
function example(name: string, args: string[]): CliResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join('examples', name), ...args], { cwd: ROOT, env: { ...process.env, CI: 'true' }, encoding: 'utf8', timeout: 240_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `npm test` type-checks the whole tree, examples/ included, with the same settings (examples/tsconfig.json extends the root's). */
const typeChecked = process.env.VAEKIT_TEST_TYPECHECK === 'npm test' ? 'npm test type-checks examples/ with the whole tree' : false;

test('the examples type-check', { skip: typeChecked }, () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', join('examples', 'tsconfig.json')], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
});

test('examples/fit.ts trains a run that vaekit eval and vaekit report read; examples/explore.ts draws from it', async () => {
  const dir = join(tempDir(), 'z2');
  const fit = example('fit.ts', ['--out', dir, '--epochs', '1', '--limit', '500', '--k', '10', '--test-limit', '100']);
  assert.equal(fit.code, 0, transcript(fit));
  const engine = loadNativeKernels().kernels ? 'native' : 'portable';
  assert.match(fit.stdout, new RegExp(`^engine: ${engine}$`, 'm'), 'fit trains on the native engine where the addon loads');
  assert.match(fit.stdout, /^epoch 1: train -ELBO \d+\.\d\d, validation \d+\.\d\d \(best\)$/m);
  assert.match(fit.stdout, /^test -ELBO \d+\.\d\d nats, -log p\(x\) ~= \d+\.\d\d nats \(k=10\) on 100 images$/m);
  for (const f of ['config.json', 'last.ckpt', 'best.ckpt', 'history.json']) assert.ok(existsSync(join(dir, f)), `${f} written`);

  const again = example('fit.ts', ['--out', dir, '--epochs', '1', '--limit', '500', '--k', '0', '--test-limit', '50']);
  assert.equal(again.code, 0, `the example runs again over its own run (force): ${transcript(again)}`);

  const evaluated = await vaekitInProcess(['eval', dir, '--limit', '100', '--k', '10'], ROOT);
  assert.equal(evaluated.code, 0, transcript(evaluated));
  assert.match(evaluated.stdout, /test -log p\(x\) ~= \d+\.\d\d nats/);
  const report = await vaekitInProcess(['report', dir], ROOT);
  assert.equal(report.code, 0, transcript(report));
  assert.ok(existsSync(join(dir, 'report.html')), transcript(report));

  const explore = example('explore.ts', ['--run', dir]);
  assert.equal(explore.code, 0, transcript(explore));
  assert.match(explore.stdout, /^digit 9: mean code \(-?\d+\.\d\d, -?\d+\.\d\d\) over \d+ images$/m);
  for (const f of ['example-samples.png', 'example-walk.png']) assert.ok(existsSync(join(dir, f)), `${f} written`);
});
