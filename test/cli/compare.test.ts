/** `vaekit compare` end to end on a tiny slice of MNIST, in a temporary directory. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodePng } from '../../src/node/png.js';
import { buildOnce, listFiles, readJson, removeTempDirs, tempDir, transcript, vaekitInProcess } from './helpers.js';

before(() => buildOnce());
after(() => removeTempDirs());

const TINY = ['--limit', '600', '--val-size', '100', '--epochs', '1', '--test-limit', '100', '--digits', '4'];

interface Row {
  kind: string;
  latentDim: number;
  clean: { squaredError: number; crossEntropy: number };
  corrupted: { squaredError: number; crossEntropy: number };
  negElbo?: number;
  explainedVariance?: number;
}

test('compare trains every kind at every size, writes the table, the picture and the 2-D scatters; a re-run reuses the runs', async () => {
  const cwd = tempDir();
  const args = ['compare', '--models', 'pca,dae,vae', '--latent', '2,3', '--out', 'cmp', ...TINY];
  const r = await vaekitInProcess(args, cwd);
  assert.equal(r.code, 0, transcript(r));
  const files = listFiles(join(cwd, 'cmp'));
  for (const f of ['compare.md', 'compare.json', 'reconstructions.png', 'pca-z2-embedding.svg', 'dae-z2-embedding.svg', 'vae-z2-embedding.svg', 'dae-z3/last.ckpt', 'pca-z3/best.ckpt', 'vae-z2/history.json']) {
    assert.ok(files.includes(f), `${f} missing from ${files.join(', ')}`);
  }
  assert.ok(!files.some((f) => f.endsWith('-z3-embedding.svg')), 'only 2-D models get a scatter');
  const { rows } = readJson<{ rows: Row[] }>(join(cwd, 'cmp', 'compare.json'));
  assert.deepEqual(rows.map((row) => `${row.kind}${row.latentDim}`), ['pca2', 'pca3', 'dae2', 'dae3', 'vae2', 'vae3']);
  for (const row of rows) {
    assert.ok(row.clean.squaredError > 0 && row.clean.squaredError < 200, `${row.kind}: squared error ${row.clean.squaredError}`);
    assert.ok(row.clean.crossEntropy > row.clean.squaredError, `${row.kind}: cross-entropy ${row.clean.crossEntropy}`);
    assert.equal(row.negElbo !== undefined, row.kind === 'vae', `${row.kind}: an ELBO only for the VAE`);
    assert.equal(row.explainedVariance !== undefined, row.kind === 'pca');
  }
  const pca = rows.filter((row) => row.kind === 'pca');
  assert.ok(pca[1].clean.squaredError < pca[0].clean.squaredError, 'PCA with 3 directions must beat 2');
  const md = readFileSync(join(cwd, 'cmp', 'compare.md'), 'utf8');
  assert.match(md, /\| model \| z = 2 \| z = 3 \|/);
  assert.match(md, new RegExp(`\\| pca \\| ${pca[0].clean.squaredError.toFixed(2)} \\| ${pca[1].clean.squaredError.toFixed(2)} \\|`));
  // The picture: the digits, then one row per model and size; 4 columns of 28-pixel cells with 1-pixel gaps.
  const png = decodePng(readFileSync(join(cwd, 'cmp', 'reconstructions.png')));
  assert.equal(png.width, 4 * 28 + 3);
  assert.equal(png.height, 7 * 28 + 6);

  const again = await vaekitInProcess(args, cwd);
  assert.equal(again.code, 0, transcript(again));
  assert.equal((again.stdout.match(/reused/g) ?? []).length, 6, transcript(again));
  assert.ok(!/training into/.test(again.stdout), transcript(again));
  assert.deepEqual(readJson<{ rows: Row[] }>(join(cwd, 'cmp', 'compare.json')).rows, rows, 'the same runs score the same');
});

test('compare scores a reused Gaussian-decoder run on dequantized grey images, as eval does', async () => {
  const cwd = tempDir();
  const data = ['--limit', '600', '--val-size', '100', '--epochs', '1', '--binarize', 'none'];
  const train = await vaekitInProcess(['train', '--latent', '2', '--decoder', 'gaussian-learned', '--hidden', '32', ...data, '--out', 'cmp/vae-z2'], cwd);
  assert.equal(train.code, 0, transcript(train));
  const r = await vaekitInProcess(['compare', '--models', 'vae', '--latent', '2', '--out', 'cmp', ...data, '--test-limit', '100', '--digits', '4'], cwd);
  assert.equal(r.code, 0, transcript(r));
  assert.match(r.stdout, /reused/);
  const [row] = readJson<{ rows: Row[] }>(join(cwd, 'cmp', 'compare.json')).rows;
  const ev = await vaekitInProcess(['eval', 'cmp/vae-z2', '--k', '0', '--limit', '100', '--engine', 'portable'], cwd);
  assert.equal(ev.code, 0, transcript(ev));
  assert.match(ev.stdout, /on dequantized images/);
  const { negElbo } = readJson<{ negElbo: number }>(join(cwd, 'cmp', 'vae-z2', 'eval.json'));
  // The same path and seeds: equal; undequantized it was 2.3e-4 nats apart on this model.
  assert.ok(Math.abs((row.negElbo ?? NaN) - negElbo) < 1e-6, `compare ${row.negElbo}, eval ${negElbo}`);
});

test('compare refuses an unknown model kind before writing anything', async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['compare', '--models', 'pca,gan', '--out', 'cmp'], cwd);
  assert.equal(r.code, 2, transcript(r));
  assert.match(r.stderr, /--models: unknown model kind "gan"/);
  assert.deepEqual(listFiles(cwd), []);
});
