/** The label-aware commands end to end on a slice of MNIST: cvae views, ssl, classify, analogies. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { decodeCheckpoint } from '../../src/io/checkpoint.js';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildOnce, readJson, removeTempDirs, tempDir, transcript, vaekitInProcess } from './helpers.js';

before(() => buildOnce());
after(() => removeTempDirs());

const SLICE = ['--limit', '600', '--val-size', '100'];
const SMALL_M2 = ['--latent', '4', '--hidden', '16', '--classifier-hidden', '16', '--batch-size', '250', '--labelled-batch', '20'];

test('cvae: train, then sample --label, manifold --label and analogies write pictures; sample without --label is refused', async () => {
  const cwd = tempDir();
  const train = await vaekitInProcess(['train', '--model', 'cvae', '--latent', '2', '--hidden', '32', '--epochs', '1', ...SLICE, '--out', 'cvae'], cwd);
  assert.equal(train.code, 0, transcript(train));
  assert.match(train.stdout, /model: cvae, .*classes 10/);
  assert.doesNotMatch(train.stdout, /sigma|minLogVar|channels/, 'settings of other decoders and networks');
  assert.match(train.stdout, /^engine: portable \(tfjs (native|wasm), \d+ threads?\)/m, transcript(train));
  for (const [args, file] of [[['sample', 'cvae', '--label', '3', '--n', '9'], 'samples.png'], [['manifold', 'cvae', '--label', '7', '--grid', '5'], 'manifold.png'], [['analogies', 'cvae', '--n', '3'], 'analogies.png']] as const) {
    const r = await vaekitInProcess([...args], cwd);
    assert.equal(r.code, 0, transcript(r));
    assert.equal(r.stdout.trim(), join('cvae', file));
    assert.ok(readFileSync(join(cwd, 'cvae', file)).subarray(1, 4).toString() === 'PNG');
  }
  const noLabel = await vaekitInProcess(['sample', 'cvae', '--out', 'x.png'], cwd);
  assert.equal(noLabel.code, 2, transcript(noLabel));
  assert.match(noLabel.stderr, /decodes given a label: pass --label 0\.\.9/);
  const badLabel = await vaekitInProcess(['manifold', 'cvae', '--label', '10', '--out', 'y.png'], cwd);
  assert.equal(badLabel.code, 2, transcript(badLabel));
  assert.match(badLabel.stderr, /--label 10: the model's labels are 0\.\.9/);
  const classify = await vaekitInProcess(['classify', 'cvae'], cwd);
  assert.equal(classify.code, 2, transcript(classify));
  assert.match(classify.stderr, /has no classifier q\(y\|x\)/);
  assert.ok(!existsSync(join(cwd, 'x.png')) && !existsSync(join(cwd, 'y.png')));
});

test('ssl --model m2: two seeds, a table beside the paper; a second call resumes (nothing retrained); classify the result', async () => {
  const cwd = tempDir();
  const args = ['ssl', '--model', 'm2', '--labels', '100', '--seeds', '2', '--epochs', '1', ...SLICE, ...SMALL_M2];
  const first = await vaekitInProcess(args, cwd);
  assert.equal(first.code, 0, transcript(first));
  assert.match(first.stdout, /m2 N=100 seed 1: test error \d+\.\d\d%/);
  const table = readFileSync(join(cwd, 'runs', 'ssl', 'ssl.md'), 'utf8');
  assert.match(table, /\| M2 \| 100 \| \d+\.\d\d ± \d+\.\d\d \| 2 \| 1 \| 11\.97 ± 1\.71 \|/);
  const json = readJson<{ rows: { seeds: number[]; meanError: number; stdError: number }[]; results: { testError: number }[] }>(join(cwd, 'runs', 'ssl', 'ssl.json'));
  assert.deepEqual(json.rows[0].seeds, [0, 1]);
  const errors = json.results.map((r) => 100 * r.testError);
  assert.ok(Math.abs(json.rows[0].meanError - (errors[0] + errors[1]) / 2) < 1e-9);
  assert.ok(errors.every((e) => e > 0 && e < 100));
  const again = await vaekitInProcess(args, cwd);
  assert.equal(again.code, 0, transcript(again));
  assert.doesNotMatch(again.stdout + again.stderr, /epoch 1\/1/, 'a finished seed was trained again');
  assert.equal(readFileSync(join(cwd, 'runs', 'ssl', 'ssl.md'), 'utf8'), table);
  const otherRate = await vaekitInProcess([...args, '--lr', '0.01'], cwd);
  assert.equal(otherRate.code, 2, transcript(otherRate));
  assert.match(otherRate.stderr, /seed-0 holds a run with another train\.lr/);
  const stepped = await vaekitInProcess(['ssl', '--model', 'm2', '--labels', '100', '--seeds', '2', '--only-seed', '0', '--epochs', '2', '--lr-steps', '1', ...SLICE, ...SMALL_M2], cwd);
  assert.equal(stepped.code, 0, transcript(stepped));
  assert.match(stepped.stdout, /resuming at epoch 2/);
  assert.deepEqual(readJson<{ lr: number }[]>(join(cwd, 'runs', 'ssl', 'm2-100', 'seed-0', 'history.json')).map((r) => r.lr), [1e-3, 1e-4]);
  const classify = await vaekitInProcess(['classify', 'runs/ssl/m2-100/seed-0', '--limit', '500'], cwd);
  assert.equal(classify.code, 0, transcript(classify));
  assert.match(classify.stdout, /test error of q\(y\|x\): \d+\.\d\d% \(\d+ of 500 images\)/);
  assert.match(readFileSync(join(cwd, 'runs', 'ssl', 'm2-100', 'seed-0', 'confusion.svg'), 'utf8'), /^<svg/);
});

test('ssl --model m1m2 trains M1 then M2 into one checkpoint, M1 once per seed for every label count; bad --labels and --help', async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['ssl', '--model', 'm1m2', '--labels', '50,100', '--seeds', '1', '--epochs', '2', '--m1-epochs', '1', '--m1-latent', '8', '--m1-hidden', '32', ...SLICE, ...SMALL_M2], cwd);
  assert.equal(r.code, 0, transcript(r));
  // One line says where the ops run, for both stages of both runs; no separate backend line.
  assert.equal(r.stdout.match(/^(engine|backend):/gm)?.join(), 'engine:', transcript(r));
  assert.match(r.stdout, /m1m2 N=50 seed 0 epoch 1\/2 .*val recon/);
  assert.match(r.stdout, /m1m2 N=50 seed 0 epoch 2\/2 .*val error \d+\.\d\d%/);
  // The 100-label run starts from the 50-label run's M1: it trains only M2.
  assert.match(r.stdout, /m1m2-100\/seed-0: starting from the first stage \(M1\) of runs\/ssl\/m1m2-50\/seed-0\/stage1\.ckpt/);
  assert.doesNotMatch(r.stdout, /m1m2 N=100 seed 0 epoch 1\/2/);
  assert.match(r.stdout, /m1m2 N=100 seed 0 epoch 2\/2 .*val error/);
  const table = readFileSync(join(cwd, 'runs', 'ssl', 'ssl.md'), 'utf8');
  assert.match(table, /\| M1\+M2 \| 50 \|/);
  assert.match(table, /\| M1\+M2 \| 100 \|/);
  const bad = await vaekitInProcess(['ssl', '--labels', '105'], cwd);
  assert.equal(bad.code, 2, transcript(bad));
  assert.match(bad.stderr, /--labels 105: .*multiple of 10/);
  const badSeed = await vaekitInProcess(['ssl', '--seeds', '3', '--only-seed', '3'], cwd);
  assert.equal(badSeed.code, 2, transcript(badSeed));
  assert.match(badSeed.stderr, /--only-seed 3: the seeds are 0\.\.2/);
  const help = await vaekitInProcess(['ssl', '--model', 'm1m2', '--help'], cwd);
  assert.equal(help.code, 0, transcript(help));
  for (const flag of ['--labels <n,n,...>', '--seeds', '--only-seed', '--m1-epochs', '--features', '--feature-min-std', '--m1-batch-size', '--alpha', '--labelled-batch', '--threads']) assert.ok(help.stdout.includes(flag), `${flag} missing`);
  assert.ok(!help.stdout.includes('--labelled <n>'), '--labels stands for the model\'s --labelled');
});

test('ssl --m1-from: a run with other M2 settings starts from an earlier run\'s M1 and trains as if it had trained that M1 itself', async () => {
  const cwd = tempDir();
  const run = (hidden: string, more: string[]) =>
    vaekitInProcess(['ssl', '--model', 'm1m2', '--labels', '100', '--seeds', '1', '--epochs', '2', '--m1-epochs', '1', '--m1-latent', '8', '--m1-hidden', '32', ...SLICE, '--latent', '4', '--hidden', hidden, '--classifier-hidden', '16', '--batch-size', '250', '--labelled-batch', '20', ...more], cwd);
  const a = await run('16', ['--out', 'a']);
  assert.equal(a.code, 0, transcript(a));
  const b = await run('8', ['--alpha', '5', '--feature-min-std', '0.01', '--out', 'b', '--m1-from', 'a']);
  assert.equal(b.code, 0, transcript(b));
  assert.match(b.stdout, /b\/m1m2-100\/seed-0: starting from the first stage \(M1\) of a\/m1m2-100\/seed-0\/stage1\.ckpt/);
  assert.doesNotMatch(b.stdout, /epoch 1\/2/, 'M1 trained again');
  assert.doesNotMatch(b.stdout, /resuming/, 'a run started from another run\'s M1 is not resumed');
  // The same settings trained from scratch give the same run, weights and moments, to the last bit.
  const c = await run('8', ['--alpha', '5', '--feature-min-std', '0.01', '--out', 'c']);
  assert.equal(c.code, 0, transcript(c));
  assert.match(c.stdout, /epoch 1\/2/);
  const [fromA, own] = ['b', 'c'].map((d) => decodeCheckpoint(readFileSync(join(cwd, d, 'm1m2-100', 'seed-0', 'last.ckpt')), d).tensors);
  assert.deepEqual([...fromA.keys()].sort(), [...own.keys()].sort());
  for (const [name, values] of own) assert.deepEqual(fromA.get(name), values, name);
  // An M1 trained otherwise is not lent, and says why; M2 has no first stage.
  const other = await run('8', ['--m1-from', 'a', '--out', 'd', '--m1-hidden', '24']);
  assert.equal(other.code, 2, transcript(other));
  assert.match(other.stderr, /--m1-from a: no first stage of seed 0 with this run's M1 settings \(a\/m1m2-100\/seed-0\/stage1\.ckpt: another model\.m1Hidden \(there \[32\], here \[24\]\)\)/);
  const m2 = await vaekitInProcess(['ssl', '--model', 'm2', '--m1-from', 'a'], cwd);
  assert.equal(m2.code, 2, transcript(m2));
  assert.match(m2.stderr, /--m1-from: only M1\+M2 has a first stage to share \(--model m1m2\), not m2/);
});
