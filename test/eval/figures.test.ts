/** What eval measures for each model kind, decided from the model's parts; the CVAE's importance weights given the label. */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { resolveRunConfig } from '../../src/config/run.js';
import { Dataset } from '../../src/data/dataset.js';
import { evaluationLines } from '../../src/eval/describe.js';
import { Evaluation, evaluateRun, evaluationTasks } from '../../src/eval/figures.js';
import { createRun } from '../../src/io/run.js';
import { Cvae, CVAE_DEFAULTS } from '../../src/models/cvae.js';
import { initialTrainState } from '../../src/train/state.js';
import { logNormal, logStdNormal } from '../../src/prob/gaussian.js';
import { Rng } from '../../src/rng.js';
import { assertClose, assertNoLeak, useTestBackend } from '../helpers/engine.js';

before(async () => {
  await useTestBackend();
});

const SHAPE: [number, number, number] = [4, 4, 1];

/** 12 images of 4x4 in {0, 255} (binary data), labels i mod 10; without labels on request. */
function binaryImages(labelled = true): Dataset {
  const images = Uint8Array.from({ length: 12 * 16 }, (_, q) => ((q * 7 + Math.floor(q / 16)) % 3 === 0 ? 255 : 0));
  return { name: 'tiny', images, count: 12, shape: SHAPE, ...(labelled ? { labels: Uint8Array.from({ length: 12 }, (_, i) => i % 10) } : {}) };
}

const TINY: Record<string, Record<string, unknown>> = {
  vae: { hidden: [6], latentDim: 2 },
  ae: { hidden: [6], latentDim: 2 },
  dae: { hidden: [6], latentDim: 2 },
  cae: { hidden: [6], latentDim: 2 },
  pca: { latentDim: 2 },
  aae: { hidden: [6], latentDim: 2, discHidden: [6] },
  cvae: { hidden: [6], latentDim: 2 },
  m2: { hidden: [6], classifierHidden: [6], latentDim: 2 },
  m1m2: { m1Hidden: [6], m1Latent: 3, hidden: [6], classifierHidden: [6], latentDim: 2 },
};

async function evaluate(kind: string, data: Dataset, model: Record<string, unknown> = {}, binarize = 'static'): Promise<Evaluation> {
  const config = resolveRunConfig([{ source: 'test', values: { model: { kind, ...TINY[kind], ...model }, data: { binarize } } }]);
  const run = createRun(config, SHAPE, initialTrainState());
  try {
    return await assertNoLeak(() => evaluateRun(run, data, { k: 30, seed: 1 }));
  } finally {
    run.model.dispose();
  }
}

/** The figures an evaluation holds, by name: nested ones as "parent.child". */
function figureNames(e: Evaluation): string[] {
  const names: string[] = [];
  for (const [key, value] of Object.entries(e)) {
    if (key === 'images') continue;
    names.push(key);
    if (key === 'givenLabel' || key === 'bounds') for (const [inner, v] of Object.entries(value as object)) if (typeof v !== 'string' && typeof v !== 'boolean') names.push(`${key}.${inner}`);
  }
  return names.sort();
}

test('each kind gets the figures its parts give it: reconstruction for all, densities where there is one, the classifier where there is one', async () => {
  const expected: Record<string, string[]> = {
    vae: ['k', 'negElbo', 'negLogLikelihood', 'reconstruction', 'terms'],
    ae: ['reconstruction'],
    dae: ['reconstruction'],
    cae: ['reconstruction'],
    pca: ['reconstruction'],
    aae: ['priorMatch', 'reconstruction'],
    cvae: ['givenLabel', 'givenLabel.k', 'givenLabel.negElbo', 'givenLabel.negLogLikelihood', 'givenLabel.terms', 'reconstruction'],
    m2: ['bounds', 'bounds.labelled', 'bounds.unlabelled', 'classifierError', 'reconstruction'],
    m1m2: ['bounds', 'bounds.labelled', 'bounds.unlabelled', 'classifierError', 'reconstruction'],
  };
  for (const [kind, names] of Object.entries(expected)) {
    const e = await evaluate(kind, binaryImages());
    assert.deepEqual(figureNames(e), names, kind);
    assert.equal(e.images, 12);
    // Every figure in the evaluation has its line, and every number is finite.
    assert.ok(evaluationLines(e).length >= names.filter((n) => !n.includes('.') && n !== 'terms' && n !== 'k').length, `${kind}: ${JSON.stringify(evaluationLines(e))}`);
    assert.ok(!JSON.stringify(e).includes('null'), `${kind}: a figure is not a finite number: ${JSON.stringify(e)}`);
  }
});

test('label kinds: reconstruction and the bounds given each label; M1+M2 scores the features; the classifier error is a fraction', async () => {
  const cvae = await evaluate('cvae', binaryImages());
  assert.equal(cvae.reconstruction?.givenLabel, true);
  const given = cvae.givenLabel!;
  // Burda et al. 2016: the importance-weighted estimate is a tighter bound than the ELBO (here up to Monte Carlo noise).
  assert.ok(given.negLogLikelihood! <= given.negElbo + 0.5, `-log p(x|y) ${given.negLogLikelihood} above the -ELBO ${given.negElbo}`);
  assert.ok(Math.abs(given.terms.recon + given.terms.kl - given.negElbo) < 1e-3);
  // A density over grey levels: scored on dequantized images, with bits/dim given the label.
  const bits = (await evaluate('cvae', binaryImages(), { decoder: 'gaussian-learned' }, 'none')).givenLabel?.bitsPerDim;
  assert.equal(bits?.dequantized, true);
  assert.ok(Number.isFinite(bits?.negElbo) && Number.isFinite(bits?.negLogLikelihood), JSON.stringify(bits));
  const m2 = await evaluate('m2', binaryImages());
  assert.equal(m2.bounds?.of, 'images');
  // L(x,y) = recon + kl + log K (p(y) uniform over K = 10 labels).
  const l = m2.bounds!.labelled!;
  assert.ok(Math.abs(l.total - (l.terms.recon + l.terms.kl + Math.log(10))) < 1e-3, JSON.stringify(l));
  assert.ok(m2.classifierError! >= 0 && m2.classifierError! <= 1);
  assert.equal((await evaluate('m1m2', binaryImages())).bounds?.of, 'features');
});

test('without labels, what needs them is left out: the CVAE has nothing, M2 keeps -U(x)', async () => {
  assert.deepEqual(figureNames(await evaluate('cvae', binaryImages(false))), []);
  assert.deepEqual(figureNames(await evaluate('m2', binaryImages(false))), ['bounds', 'bounds.unlabelled']);
  const config = resolveRunConfig([{ source: 'test', values: { model: { kind: 'cvae', ...TINY.cvae } } }]);
  const run = createRun(config, SHAPE, initialTrainState());
  assert.deepEqual(evaluationTasks(run, binaryImages(false)), []);
  assert.deepEqual(evaluationTasks(run, binaryImages(), { k: 0 }).map((t) => t.name), ['reconstruction', 'ELBO given the label']);
  run.model.dispose();
});

test('the CVAE\'s importance weights given the label: log p(x|y,z) + log p(z) - log q(z|x,y) at z = mean + sigma eps', async () => {
  const cvae = new Cvae({ ...CVAE_DEFAULTS, latentDim: 2, hidden: [5] }, 16, 3);
  const data = binaryImages();
  const x = tf.tensor2d(Float32Array.from(data.images.subarray(0, 3 * 16), (b) => b / 255), [3, 16]);
  const labels = tf.tensor1d([2, 5, 9], 'int32');
  const logW = await assertNoLeak(() => tf.tidy(() => Array.from(cvae.importanceLogWeightsGiven(x, labels, 2, new Rng(4, 9)).dataSync())));
  // The same draws, in the same order (samples major), and the pieces computed apart.
  const eps = new Rng(4, 9).fillNormal(new Float32Array(2 * 3 * 2));
  const expected = tf.tidy(() => {
    const { mean, logVar } = cvae.posterior(x, labels);
    const out: number[] = [];
    for (let s = 0; s < 2; s++) {
      const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), tf.tensor2d(eps.subarray(s * 6, (s + 1) * 6), [3, 2])));
      const p = tf.clipByValue(cvae.decodeMeanGiven(z as tf.Tensor2D, labels), 1e-7, 1 - 1e-7);
      const logPx = tf.sum(tf.add(tf.mul(x, tf.log(p)), tf.mul(tf.sub(1, x), tf.log(tf.sub(1, p)))), 1);
      out.push(...tf.add(tf.sub(logPx, logNormal(z, mean, logVar)), logStdNormal(z)).dataSync());
    }
    return out;
  });
  assertClose(logW, expected, 1e-4, 1e-3, 'log weights');
  tf.dispose([x, labels]);
  cvae.dispose();
});
