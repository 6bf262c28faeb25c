/** `vaekit plan make` and `vaekit plan run --workers 2`: runs trained on this machine equal the same runs alone; compare's table at the end. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildOnce, removeTempDirs, tempDir, transcript, vaekit, vaekitInProcess } from '../cli/helpers.js';
import { assertSameAsAlone, readPlanFile } from './helpers.js';

before(() => buildOnce());
after(() => removeTempDirs());

test('plan make sweep: the cartesian product of --set, each run checked as train parses it', async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['plan', 'make', 'sweep', '--set', 'train.lr=1e-3,3e-4', '--set', 'model.latentDim=2,20', '--epochs', '2', '--out', 'sw'], cwd);
  assert.equal(r.code, 0, transcript(r));
  const plan = readPlanFile(join(cwd, 'sw', 'plan.json'));
  assert.deepEqual(plan.runs.map((x) => x.name), ['lr-1e-3_latent-2', 'lr-1e-3_latent-20', 'lr-3e-4_latent-2', 'lr-3e-4_latent-20']);
  assert.deepEqual(plan.runs[1].args, ['--model', 'vae', '--latent', '20', '--epochs', '2', '--lr', '0.001']);
  assert.equal(plan.out, '.');
  const bad = await vaekitInProcess(['plan', 'make', 'sweep', '--set', 'train.lr=fast', '--out', 'sw2'], cwd);
  assert.equal(bad.code, 2, transcript(bad));
  assert.match(bad.stderr, /--set train\.lr/);
  assert.equal(existsSync(join(cwd, 'sw2')), false);
  const unknown = await vaekitInProcess(['plan', 'make', 'sweep', '--set', 'train.speed=1', '--out', 'sw2'], cwd);
  assert.match(unknown.stderr, /train\.speed: no such config key/);
});

test('plan run: a run that early stopping ends is done, and is not trained again', async () => {
  const cwd = tempDir();
  // A rate too small to move the model: later epochs score no better, so --patience 1 ends each run before epoch 6.
  const made = await vaekitInProcess(['plan', 'make', 'sweep', '--set', 'train.seed=0,1', '--limit', '600', '--val-size', '100', '--hidden', '32', '--latent', '4', '--epochs', '6', '--lr', '1e-12', '--patience', '1', '--out', 'early'], cwd);
  assert.equal(made.code, 0, transcript(made));
  const r = vaekit(['plan', 'run', 'early', '--workers', '1', '--threads', '1'], cwd, 300_000);
  assert.equal(r.code, 0, transcript(r));
  const status = await vaekitInProcess(['plan', 'status', 'early'], cwd);
  assert.match(status.stdout, /2 runs into .*: 2 done/, transcript(status));
  assert.equal((status.stdout.match(/done \(stopped early after epoch \d of 6/g) ?? []).length, 2, transcript(status));
  const again = await vaekitInProcess(['plan', 'run', 'early', '--workers', '1'], cwd);
  assert.equal((again.stdout.match(/already done/g) ?? []).length, 2, transcript(again));
});

test('plan make ssl and compare list the runs those commands train, in their directories', async () => {
  const cwd = tempDir();
  const ssl = await vaekitInProcess(['plan', 'make', 'ssl', '--model', 'm2', '--labels', '100,600', '--seeds', '2', '--epochs', '5', '--out', 'ssl'], cwd);
  assert.equal(ssl.code, 0, transcript(ssl));
  const s = JSON.parse(readFileSync(join(cwd, 'ssl', 'plan.json'), 'utf8')) as { runs: { name: string; args: string[] }[]; finish: { command: string; table: string } };
  assert.deepEqual(s.runs.map((x) => x.name), ['m2-100/seed-0', 'm2-100/seed-1', 'm2-600/seed-0', 'm2-600/seed-1']);
  assert.deepEqual(s.runs[3].args.slice(0, 8), ['--model', 'm2', '--labelled', '600', '--seed', '1', '--val-size', '10000']);
  assert.equal(s.finish.command, 'ssl');
  const cmp = await vaekitInProcess(['plan', 'make', 'compare', '--models', 'pca,vae', '--latent', '2,5', '--out', 'cmp'], cwd);
  assert.equal(cmp.code, 0, transcript(cmp));
  assert.deepEqual(readPlanFile(join(cwd, 'cmp', 'plan.json')).runs.map((x) => x.name), ['pca-z2', 'pca-z5', 'vae-z2', 'vae-z5']);
});

test('plan run --workers 2 trains every run as train alone does, then writes the table of compare', async () => {
  const cwd = tempDir();
  const made = await vaekitInProcess(['plan', 'make', 'compare', '--models', 'pca,vae', '--latent', '2', '--limit', '600', '--val-size', '100', '--epochs', '1', '--batch-size', '25', '--test-limit', '100', '--digits', '4', '--out', 'cmp'], cwd);
  assert.equal(made.code, 0, transcript(made));
  const r = vaekit(['plan', 'run', 'cmp', '--workers', '2', '--threads', '1'], cwd, 300_000);
  assert.equal(r.code, 0, transcript(r));
  assert.ok(existsSync(join(cwd, 'cmp', 'compare.md')), transcript(r));
  const status = await vaekitInProcess(['plan', 'status', 'cmp'], cwd);
  assert.match(status.stdout, /2 runs into .*: 2 done/, transcript(status));
  assert.match(status.stdout, /table: .*compare\.md/);
  const again = await vaekitInProcess(['plan', 'run', 'cmp', '--workers', '2'], cwd);
  assert.equal((again.stdout.match(/already done/g) ?? []).length, 2, transcript(again));
  await assertSameAsAlone(readPlanFile(join(cwd, 'cmp', 'plan.json')), join(cwd, 'cmp'), join(cwd, 'ref'), cwd);
});
