/**
 * M2 and M1+M2 on the native fast path against the tfjs models: the objective's terms and every parameter
 * gradient, for mixed, labelled-only batches and several likelihoods, then training steps through the
 * semi-supervised trainer on both paths. Skips without the addon unless VAEKIT_REQUIRE_NATIVE=1.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { resolveRunConfig } from '../../src/config/run.js';
import { Dataset } from '../../src/data/dataset.js';
import { M2OnKernels } from '../../src/fastpath/m2.js';
import { LabelCounts, MixedBatch, SemiSupervisedModel } from '../../src/models/labelled.js';
import { FEATURE_MASK, M1M2, M1M2_DEFAULTS } from '../../src/models/m1m2.js';
import { M2, M2_DEFAULTS } from '../../src/models/m2.js';
import { Rng, Stream } from '../../src/rng.js';
import { Adam } from '../../src/train/adam.js';
import { assertNativeIfRequired, kernels, nativeSkip } from '../helpers/native.js';
import { trainRun } from '../helpers/train.js';
import { initialTrainState } from '../../src/train/state.js';
import { assertAgree, assertClose, useTestBackend } from '../helpers/engine.js';

const skip = nativeSkip;

const K = 4;
const DIM = 20;

before(async () => {
  assertNativeIfRequired();
  await useTestBackend();
});

function images(rows: number, seed: number): Float32Array {
  const rng = new Rng(seed, 97);
  return new Float32Array(rows * DIM).map(() => (rng.uniform() < 0.35 ? 1 : 0));
}

/** Both paths on one batch: values by name, and every trainable parameter's gradient. */
function compare(model: SemiSupervisedModel, rowsL: number, rowsU: number, numSamples: number, what: string): void {
  const xl = images(rowsL, 1);
  const yl = Int32Array.from({ length: rowsL }, (_, i) => (i * 3 + 1) % K);
  const xu = rowsU ? images(rowsU, 2) : null;
  const counts: LabelCounts = { labelled: 40, unlabelled: rowsU ? 360 : 0 };
  const { value, grads } = tf.variableGrads(() => {
    const batch: MixedBatch = { labelled: { x: tf.tensor2d(xl, [rowsL, DIM]), labels: tf.tensor1d(yl, 'int32') } };
    if (xu) batch.unlabelled = tf.tensor2d(xu, [rowsU, DIM]);
    const terms = model.semiSupervisedLoss(batch, counts, { beta: 1, numSamples, rng: new Rng(5, Stream.eps, 0) });
    return terms.total;
  }, model.trainable.list());
  const net = new M2OnKernels(kernels, model.m2Plan!(), model.trainable.snapshot());
  const rng = new Rng(5, Stream.eps, 0);
  const k = net.plan.latentDim;
  const sampled = net.plan.features?.sample;
  const featureEps = sampled ? rng.fillNormal(new Float32Array((rowsL + rowsU) * net.plan.features!.latentDim)) : null;
  const epsL = rng.fillNormal(new Float32Array(numSamples * rowsL * k));
  const epsU = rng.fillNormal(new Float32Array(numSamples * K * rowsU * k));
  const terms = net.gradients({ dim: DIM, xl, yl, rowsL, xu, rowsU }, counts, numSamples, epsL, epsU, featureEps);
  assert.deepEqual(terms.names, rowsU ? ['total', 'labelled', 'classifier', 'unlabelled'] : ['total', 'labelled', 'classifier']);
  assertClose([terms.values[0]], [value.dataSync()[0]], 1e-5, 0, `${what}: total`);
  assert.equal(net.grads.size, model.trainable.list().length, `${what}: every trainable parameter has a gradient`);
  for (const [name, g] of net.grads) assertAgree(g, grads[model.trainable.get(name).name].dataSync(), 2e-5, `${what}: ${name}`);
  tf.dispose([value, ...Object.values(grads)]);
}

test('M2 on the kernels: the objective and every gradient agree with tfjs autodiff', { skip }, () => {
  const cases = [
    { decoder: 'bernoulli', hidden: [9], samples: 1 },
    { decoder: 'bernoulli', hidden: [9, 7], samples: 2 },
    { decoder: 'gaussian-learned', hidden: [8], samples: 1 },
    { decoder: 'gaussian', hidden: [], samples: 1 },
  ] as const;
  for (const c of cases) {
    const model = new M2({ ...M2_DEFAULTS, latentDim: 3, hidden: [...c.hidden], classifierHidden: [6], classes: K, decoder: c.decoder, sigma: 0.5, alpha: 0.3 }, DIM, 4);
    compare(model, 6, 5, c.samples, `${c.decoder} [${c.hidden}] L=${c.samples} mixed`);
    compare(model, 6, 0, c.samples, `${c.decoder} [${c.hidden}] L=${c.samples} labelled only`);
    model.dispose();
  }
});

test('M1+M2 on the kernels: M2 on the mean of M1\'s q(z1|x), or draws from it, agrees with tfjs, only M2 moving', { skip }, () => {
  for (const features of ['mean', 'sample'] as const) {
    const model = new M1M2({ ...M1M2_DEFAULTS, m1Latent: 5, m1Hidden: [11], latentDim: 3, hidden: [8], classifierHidden: [6], classes: K, alpha: 0.2, features }, DIM, 2);
    compare(model, 5, 4, 1, `m1m2 ${features}`);
    model.dispose();
  }
  // With --feature-min-std, the units the mask drops are held at 0 on both paths.
  for (const features of ['mean', 'sample'] as const) {
    const model = new M1M2({ ...M1M2_DEFAULTS, m1Latent: 5, m1Hidden: [11], latentDim: 3, hidden: [8], classifierHidden: [6], classes: K, alpha: 0.2, features, featureMinStd: 0.1 }, DIM, 2);
    model.params.get(FEATURE_MASK).assign(tf.tensor1d([1, 0, 1, 1, 0]));
    compare(model, 5, 4, 1, `m1m2 ${features}, units 1 and 4 dropped`);
    model.dispose();
  }
});

/** Two epochs of the semi-supervised trainer on tfjs and on the kernels: the same losses and parameters. */
async function trainBothPaths(labelled: number): Promise<void> {
  const rng = new Rng(11, 96);
  const count = 120;
  const pixels = Uint8Array.from({ length: count * DIM }, () => (rng.uniform() < 0.4 ? 255 : 0));
  const train: Dataset = { name: 'tiny', images: pixels, labels: Uint8Array.from({ length: count }, (_, i) => i % K), count, shape: [DIM, 1, 1] };
  const config = resolveRunConfig([{ source: 'test', values: { model: { kind: 'm2', latentDim: 3, hidden: [8], classifierHidden: [6], classes: K, labelled, labelledBatch: 8 }, train: { epochs: 2, batchSize: 10 } } }]);
  const finals: Float32Array[][] = [];
  const losses: number[][] = [];
  for (const path of ['portable', 'native'] as const) {
    const model = new M2(config.model as typeof M2_DEFAULTS, DIM, 1);
    const adam = new Adam(model.trainable, { lr: config.train.lr });
    const state = initialTrainState();
    const seen: number[] = [];
    let engine = '';
    await trainRun({ model, optimizer: adam, state }, { train }, config, { onStep: (s) => seen.push(s.running.total) }, { fused: path === 'native' ? kernels : null, onEngine: (p) => (engine = p) });
    assert.equal(engine, path);
    assert.equal(adam.step, state.step);
    finals.push(model.trainable.list().map((v) => v.dataSync() as Float32Array));
    losses.push(seen);
    adam.dispose();
    model.dispose();
  }
  assert.ok(losses[0].length > 10);
  assertClose(losses[1], losses[0], 1e-4, 1e-4, 'running loss');
  finals[0].forEach((p, i) => assertAgree(finals[1][i], p, 1e-3, `parameter ${i}`));
}

test('the semi-supervised trainer takes the same steps on both paths', { skip }, () => trainBothPaths(20));

// Every image labelled: no unlabelled rows, so empty draws, which the addon (taking no empty arrays) must not see.
test('with every image labelled (--labelled 0) the kernels take the same steps too', { skip }, () => trainBothPaths(0));
