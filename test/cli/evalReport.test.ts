/**
 * Every kind through train -> eval -> report on a slice of MNIST, through the CLI's `main` in this process: each
 * figure and picture that applies is there.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readJson, removeTempDirs, tempDir, transcript, vaekitInProcess } from './helpers.js';

after(() => removeTempDirs());

const SLICE = ['--limit', '300', '--val-size', '50'];
const SMALL_M2 = ['--classifier-hidden', '16', '--batch-size', '125', '--labelled-batch', '20'];

interface Kind {
  train: string[];
  /** Top-level figures of eval.json beside the checkpoint's fields. */
  figures: string[];
  /** Lines eval prints. */
  printed: RegExp[];
  /** Picture titles in the report. */
  pictures: string[];
  /** Rows of the report's evaluation table. */
  rows: string[];
  classifier?: boolean;
  /** Run `vaekit classify` before the report. Default: when the model has a classifier. */
  classify?: boolean;
}

const RECON = /test reconstruction error per image: squared error \d+\.\d\d, cross-entropy \d+\.\d\d nats/;
const AUTOENCODER_PICTURES = ['Reconstructions', 'Interpolation', 'Manifold', 'Latent traversal', 'Latent map'];
const LABEL_PICTURES = ['Samples by label', 'Manifold, label 0', 'Analogies'];
const SEMI_SUPERVISED: Omit<Kind, 'train'> = {
  figures: ['bounds', 'classifierError', 'reconstruction'],
  printed: [/given its label/, /test -L\(x,y\) -?\d+\.\d\d nats \(recon -?\d+\.\d\d, kl \d+\.\d\d, classifier \d+\.\d\d\)/, /test -U\(x\) -?\d+\.\d\d nats \(recon -?\d+\.\d\d, kl \d+\.\d\d, entropy \d+\.\d\d\)/, /test error of q\(y\|x\): \d+\.\d\d% \(\d+ of 100 images\)/],
  pictures: [...LABEL_PICTURES, 'Confusion matrix'],
  rows: ['test reconstruction error per image', 'test -L(x,y)', 'test -U(x)', 'test error of q(y|x)', 'test error of q(y|x), vaekit classify'],
  classifier: true,
};

const KINDS: Record<string, Kind> = {
  vae: {
    train: ['--hidden', '16'],
    figures: ['k', 'negElbo', 'negLogLikelihood', 'reconstruction', 'terms'],
    printed: [RECON, /test -ELBO \d+\.\d\d nats \(recon \d+\.\d\d, kl \d+\.\d\d\)/, /test -log p\(x\) ~= \d+\.\d\d nats \(importance sampling, k=10\)/],
    pictures: ['Samples', ...AUTOENCODER_PICTURES],
    rows: ['test reconstruction error per image', 'test -ELBO', 'test -log p(x)'],
  },
  ae: { train: ['--hidden', '16'], figures: ['reconstruction'], printed: [RECON], pictures: AUTOENCODER_PICTURES, rows: ['test reconstruction error per image'] },
  dae: { train: ['--hidden', '16'], figures: ['reconstruction'], printed: [RECON], pictures: AUTOENCODER_PICTURES, rows: ['test reconstruction error per image'] },
  cae: { train: ['--hidden', '16'], figures: ['reconstruction'], printed: [RECON], pictures: AUTOENCODER_PICTURES, rows: ['test reconstruction error per image'] },
  pca: {
    train: [],
    figures: ['explainedVariance', 'reconstruction'],
    printed: [RECON, /explained variance of the training set: \d+\.\d%/],
    pictures: AUTOENCODER_PICTURES,
    rows: ['test reconstruction error per image', 'explained variance of the training set'],
  },
  aae: {
    train: ['--hidden', '16', '--disc-hidden', '16'],
    figures: ['priorMatch', 'reconstruction'],
    printed: [RECON, /codes vs prior: MMD\^2 -?\d+\.\d{4} between 100 test codes/],
    pictures: ['Samples', ...AUTOENCODER_PICTURES],
    rows: ['test reconstruction error per image', 'codes vs prior'],
  },
  cvae: {
    train: ['--hidden', '16'],
    figures: ['givenLabel', 'reconstruction'],
    printed: [/cross-entropy \d+\.\d\d nats \(each image encoded and decoded given its label\)/, /test -ELBO given the label \d+\.\d\d nats \(recon \d+\.\d\d, kl \d+\.\d\d\): a bound on -log p\(x\|y\)/, /test -log p\(x\|y\) ~= \d+\.\d\d nats \(importance sampling with q\(z\|x,y\) as proposal, k=10\)/],
    pictures: LABEL_PICTURES,
    rows: ['test reconstruction error per image', 'test -ELBO given the label', 'test -log p(x|y)'],
  },
  m2: { train: ['--hidden', '16', ...SMALL_M2], ...SEMI_SUPERVISED },
  // Not classified by `vaekit classify` (m2 shows that part): no confusion matrix, no classify.json row.
  m1m2: {
    train: ['--hidden', '16', '--m1-hidden', '16', '--m1-latent', '4', '--m1-epochs', '1', ...SMALL_M2],
    ...SEMI_SUPERVISED,
    pictures: LABEL_PICTURES,
    rows: SEMI_SUPERVISED.rows.filter((r) => !r.includes('vaekit classify')),
    classify: false,
  },
};

const cwd = tempDir();

for (const [kind, k] of Object.entries(KINDS)) {
  test(`${kind}: train, eval and report show every figure and picture that applies`, async () => {
    // M1+M2 needs an epoch for each stage; PCA is fitted in one pass and takes no --epochs.
    const epochs = kind === 'pca' ? [] : ['--epochs', kind === 'm1m2' ? '2' : '1'];
    const train = await vaekitInProcess(['train', '--model', kind, '--latent', '2', ...k.train, ...epochs, ...SLICE, '--out', kind], cwd);
    assert.equal(train.code, 0, transcript(train));
    const evaluated = await vaekitInProcess(['eval', kind, '--limit', '100', ...(kind === 'vae' || kind === 'cvae' ? ['--k', '10'] : [])], cwd);
    assert.equal(evaluated.code, 0, transcript(evaluated));
    for (const line of k.printed) assert.match(evaluated.stdout, line, transcript(evaluated));
    const json = readJson<Record<string, unknown>>(join(cwd, kind, 'eval.json'));
    const figures = Object.keys(json).filter((key) => !['checkpoint', 'epoch', 'split', 'images', 'seed'].includes(key)).sort();
    assert.deepEqual(figures, k.figures, JSON.stringify(json));
    if (k.classify ?? k.classifier) {
      const classify = await vaekitInProcess(['classify', kind, '--limit', '100'], cwd);
      assert.equal(classify.code, 0, transcript(classify));
    }

    const report = await vaekitInProcess(['report', kind, '--embed-limit', '100', '--scale', '1'], cwd);
    assert.equal(report.code, 0, transcript(report));
    const html = readFileSync(join(cwd, kind, 'report.html'), 'utf8');
    const titles = [...html.matchAll(/<h3>([^<]*)<\/h3>/g)].map((m) => m[1]);
    assert.deepEqual(titles, k.pictures);
    const rows = [...html.matchAll(/<tr><th>([^<]*)<\/th><td>/g)].map((m) => m[1]);
    for (const row of k.rows) assert.ok(rows.includes(row), `${row} missing from the report: ${rows.join(' | ')}`);
    assert.doesNotMatch(html, /Not evaluated yet|has no (decoder|encoder)/);
    if (k.classifier) {
      assert.match(html, /<th>best epoch<\/th><td>\d+ \(val error \d+\.\d\d%\)<\/td>/);
      assert.match(html, /<th>val error<\/th>/);
      assert.match(html, /<td>\d+\.\d\d%<\/td>/);
    }
  });
}
