/**
 * The doubly reparameterized gradient of the IWAE bound (DReG; Tucker, Lawson, Gu & Maddison 2019, eq. 5/6),
 * train.estimator dreg: the fused path's gradients against tfjs autodiff of the surrogate, the decoder's gradient
 * left as the standard estimator's, the encoder's unbiased (its mean over many draws is the standard estimator's),
 * at K = 1 the sticking-the-landing path derivative, and the config refusing it without the IWAE objective.
 * The fused-path tests skip where the native addon was not built, unless VAEKIT_REQUIRE_NATIVE=1.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { resolveRunConfig, resumeConflict } from '../../src/config/run.js';
import type { Estimator } from '../../src/config/train.js';
import { prepareTrainingData } from '../../src/data/prepare.js';
import { Kernels } from '../../src/fastpath/kernels.js';
import { MlpVaeOnKernels } from '../../src/fastpath/mlpVae.js';
import { createRun, disposeRun } from '../../src/io/run.js';
import { Vae, VAE_DEFAULTS } from '../../src/models/vae.js';
import { logNormal, reparameterize } from '../../src/prob/gaussian.js';
import { Rng, Stream } from '../../src/rng.js';
import { initialTrainState } from '../../src/train/state.js';
import { assertAgree, assertClose, assertNoLeak, useTestBackend } from '../helpers/engine.js';
import { assertNativeIfRequired, binary, binaryImages, kernels, KERNEL_DECODER_MODELS, nativeSkip } from '../helpers/native.js';
import { trainRun } from '../helpers/train.js';

const skip = nativeSkip;

before(async () => {
  assertNativeIfRequired();
  await useTestBackend();
});

const DIM = 50;
const LATENT = 3;

/** Every parameter's gradient of the batch mean of `total` on the tfjs path, by ParamStore name, and its value. */
function tfjsGradients(model: Vae, x: Float32Array, rows: number, opts: { beta: number; numSamples: number; estimator: Estimator; step?: number }) {
  const { grads, value } = tf.variableGrads(() => {
    const t = model.lossTerms({ x: tf.tensor2d(x, [rows, model.inputDim]) }, { ...opts, objective: 'iwae', rng: new Rng(3, Stream.eps, opts.step ?? 0) });
    return tf.mean(t.total) as tf.Scalar;
  }, model.params.list());
  const out = new Map<string, Float32Array>();
  for (const name of model.params.names()) out.set(name, (grads[model.params.get(name).name]?.dataSync() as Float32Array | undefined) ?? new Float32Array(model.params.get(name).size));
  const total = value.dataSync()[0];
  tf.dispose([value, ...Object.values(grads)]);
  return { grads: out, total };
}

/** The fused path's gradients (copied: the net reuses its buffers) and terms, from the eps the tfjs path draws. */
function fusedGradients(net: MlpVaeOnKernels, x: Float32Array, rows: number, opts: { beta: number; numSamples: number; estimator: Estimator; step?: number }) {
  const eps = new Rng(3, Stream.eps, opts.step ?? 0).fillNormal(new Float32Array(opts.numSamples * rows * net.plan.latentDim));
  const means = net.gradients(x, rows, opts.beta, opts.numSamples, eps, 'iwae', opts.estimator);
  return { grads: new Map([...net.grads].map(([k, v]) => [k, v.slice()])), total: means.total };
}

test('DReG: the fused gradients agree with tfjs autodiff of the surrogate, for K = 1 and 5, beta 1 and 0.6, and the bound is the standard one', { skip }, () => {
  const rows = 10;
  const x = binary(rows * DIM, 21);
  for (const overrides of KERNEL_DECODER_MODELS) {
    for (const [numSamples, beta] of [[1, 1], [5, 1], [5, 0.6]]) {
      const model = new Vae({ ...VAE_DEFAULTS, latentDim: LATENT, ...overrides }, DIM, 4);
      const what = `${overrides.decoder} K=${numSamples} beta=${beta}`;
      const opts = { beta, numSamples, estimator: 'dreg' as const };
      const portable = tfjsGradients(model, x, rows, opts);
      const standard = tfjsGradients(model, x, rows, { ...opts, estimator: 'standard' });
      assertClose([portable.total], [standard.total], 1e-6, 1e-6, `${what}: the value is the bound's`);
      const net = new MlpVaeOnKernels(kernels, model.mlpVaePlan(), model.params.snapshot());
      const fused = fusedGradients(net, x, rows, opts);
      assertClose([fused.total], [portable.total], 1e-5, 1e-5, `${what} total`);
      for (const [name, g] of fused.grads) assertAgree(g, portable.grads.get(name)!, 1e-4, `${what} ${name}`);
      model.dispose();
    }
  }
});

test('DReG leaves the decoder\'s gradient as the standard estimator\'s and changes the encoder\'s', { skip }, () => {
  const rows = 10;
  const x = binary(rows * DIM, 22);
  for (const beta of [1, 0.6]) {
    const model = new Vae({ ...VAE_DEFAULTS, latentDim: LATENT, hidden: [40], activation: 'tanh' }, DIM, 5);
    const net = new MlpVaeOnKernels(kernels, model.mlpVaePlan(), model.params.snapshot());
    const dreg = fusedGradients(net, x, rows, { beta, numSamples: 5, estimator: 'dreg' });
    const standard = fusedGradients(net, x, rows, { beta, numSamples: 5, estimator: 'standard' });
    const portableDreg = tfjsGradients(model, x, rows, { beta, numSamples: 5, estimator: 'dreg' });
    const portableStandard = tfjsGradients(model, x, rows, { beta, numSamples: 5, estimator: 'standard' });
    for (const [name, g] of dreg.grads) {
      if (name.startsWith('decoder')) {
        // The fused path runs the very same decoder backward pass: equal to the bit.
        assert.deepEqual(g, standard.grads.get(name), `beta ${beta} fused ${name}`);
        assertAgree(portableDreg.grads.get(name)!, portableStandard.grads.get(name)!, 1e-5, `beta ${beta} tfjs ${name}`);
      } else {
        const diff = Math.max(...g.map((v, i) => Math.abs(v - standard.grads.get(name)![i])));
        assert.ok(diff > 1e-4, `beta ${beta} ${name}: the encoder's gradient differs (max difference ${diff})`);
      }
    }
    model.dispose();
  }
});

test('with K = 1, DReG\'s encoder gradient is the ELBO\'s minus its score term (sticking the landing), on both paths', async () => {
  const rows = 10;
  const x = binary(rows * DIM, 23);
  for (const beta of [1, 0.6]) {
    const model = new Vae({ ...VAE_DEFAULTS, latentDim: LATENT, hidden: [40], activation: 'tanh' }, DIM, 6);
    const opts = { beta, numSamples: 1 };
    const dreg = await assertNoLeak(() => tfjsGradients(model, x, rows, { ...opts, estimator: 'dreg' }));
    const standard = tfjsGradients(model, x, rows, { ...opts, estimator: 'standard' });
    // The score term: d/dphi of beta * mean log q(z|x) with the draw z held as data (Roeder et al. 2017, eq. 8).
    const z = tf.tidy(() => {
      const { mean, logVar } = model.encode(tf.tensor2d(x, [rows, DIM]));
      const eps = tf.tensor2d(new Rng(3, Stream.eps, 0).fillNormal(new Float32Array(rows * LATENT)), [rows, LATENT]);
      return reparameterize(mean, logVar, eps).dataSync();
    });
    const encoderVars = model.params.names().filter((n) => n.startsWith('encoder')).map((n) => model.params.get(n));
    const { grads: score, value } = tf.variableGrads(() => {
      const { mean, logVar } = model.encode(tf.tensor2d(x, [rows, DIM]));
      return tf.mul(tf.mean(logNormal(tf.tensor2d(z, [rows, LATENT]), mean, logVar)), beta) as tf.Scalar;
    }, encoderVars);
    for (const [name, g] of dreg.grads) {
      const s = score[model.params.get(name).name]?.dataSync();
      const expected = s ? standard.grads.get(name)!.map((v, i) => v - s[i]) : standard.grads.get(name)!;
      assertAgree(g, expected, 1e-4, `beta ${beta} tfjs ${name}`);
      if (kernels) {
        const net = new MlpVaeOnKernels(kernels, model.mlpVaePlan(), model.params.snapshot());
        assertAgree(fusedGradients(net, x, rows, { ...opts, estimator: 'dreg' }).grads.get(name)!, expected, 1e-4, `beta ${beta} fused ${name}`);
      }
    }
    tf.dispose([value, ...Object.values(score)]);
    model.dispose();
  }
});

/** The encoder's gradient entries, flattened, over `draws` steps' eps, under each estimator on the same draws. */
function encoderDraws(net: MlpVaeOnKernels, x: Float32Array, rows: number, beta: number, draws: number): Record<Estimator, Float64Array[]> {
  const out: Record<Estimator, Float64Array[]> = { standard: [], dreg: [] };
  for (let step = 0; step < draws; step++) {
    for (const estimator of ['standard', 'dreg'] as const) {
      const { grads } = fusedGradients(net, x, rows, { beta, numSamples: 5, estimator, step });
      out[estimator].push(Float64Array.from([...grads].filter(([n]) => n.startsWith('encoder')).flatMap(([, g]) => [...g])));
    }
  }
  return out;
}

function meanAndVariance(samples: Float64Array[]): { mean: Float64Array; variance: Float64Array } {
  const n = samples.length;
  const mean = new Float64Array(samples[0].length);
  const variance = new Float64Array(samples[0].length);
  for (const s of samples) s.forEach((v, i) => (mean[i] += v / n));
  for (const s of samples) s.forEach((v, i) => (variance[i] += (v - mean[i]) ** 2 / (n - 1)));
  return { mean, variance };
}

test('DReG is unbiased: over 5,000 draws its mean encoder gradient is the standard estimator\'s, at beta 1 and 0.5, with less variance', { skip }, () => {
  const rows = 4;
  const dim = 12;
  const x = binary(rows * dim, 24);
  const draws = 5000;
  for (const beta of [1, 0.5]) {
    const model = new Vae({ ...VAE_DEFAULTS, latentDim: 2, hidden: [8], activation: 'tanh' }, dim, 8);
    const net = new MlpVaeOnKernels(kernels, model.mlpVaePlan(), model.params.snapshot());
    const { standard, dreg } = encoderDraws(net, x, rows, beta, draws);
    // Paired on the same eps: the difference's mean is 0 for an unbiased DReG, within its standard error.
    const diff = meanAndVariance(dreg.map((d, s) => d.map((v, i) => v - standard[s][i])));
    let worst = 0;
    let differing = 0;
    diff.mean.forEach((m, i) => {
      const se = Math.sqrt(diff.variance[i] / draws);
      // An entry fed by a pixel that is 0 in every row has gradient 0 under both.
      if (se === 0) return assert.equal(m, 0, `beta ${beta} entry ${i}`);
      differing++;
      worst = Math.max(worst, Math.abs(m) / se);
    });
    assert.ok(differing > diff.mean.length / 2, `beta ${beta}: the estimators differ draw by draw in ${differing} of ${diff.mean.length} entries`);
    // ~140 entries: |z| > 4.5 by chance has odds of about 1 in 1,000.
    assert.ok(worst < 4.5, `beta ${beta}: the largest mean difference is ${worst.toFixed(2)} standard errors`);
    const total = (v: Float64Array) => v.reduce((s, a) => s + a, 0);
    const [vDreg, vStandard] = [total(meanAndVariance(dreg).variance), total(meanAndVariance(standard).variance)];
    assert.ok(vDreg < vStandard, `beta ${beta}: DReG's variance ${vDreg} below the standard estimator's ${vStandard}`);
    model.dispose();
  }
});

test('training with --estimator dreg: both engines take the same steps, and not the standard estimator\'s', { skip }, async () => {
  const data = prepareTrainingData({ train: binaryImages(60) }, resolveRunConfig([]).data, 0);
  const train = async (fused: Kernels | null, estimator: Estimator) => {
    const config = resolveRunConfig([{ source: 'test', values: { model: { hidden: [32], latentDim: 4, activation: 'tanh' }, train: { epochs: 2, batchSize: 20, numSamples: 5, objective: 'iwae', estimator, seed: 2 } } }]);
    const run = createRun(config, data.train.shape, initialTrainState());
    const steps: number[] = [];
    await trainRun(run, data, config, { onStep: (s) => steps.push(s.running.total) }, { fused });
    disposeRun(run);
    return steps;
  };
  const fast = await train(kernels, 'dreg');
  assert.equal(fast.length, 6);
  assertClose(fast, await train(null, 'dreg'), 1e-4, 0, 'running training loss per step');
  // The first step's loss is the same bound of the same model; the steps after it are the estimators'.
  const standard = await train(kernels, 'standard');
  assertClose([fast[0]], [standard[0]], 1e-6, 0, 'first step');
  assert.ok(fast.slice(1).some((v, i) => Math.abs(v - standard[i + 1]) > 1e-6), 'dreg reaches the engine');
});

test('--estimator dreg needs --objective iwae, defaults to standard, and cannot change on resume', () => {
  const resolve = (train: Record<string, unknown>) => resolveRunConfig([{ source: 'flags', values: { train } }]);
  assert.throws(() => resolve({ estimator: 'dreg' }), (e: Error) => /--estimator dreg/.test(e.message) && /--objective iwae/.test(e.message));
  assert.throws(() => resolve({ estimator: 'dreg', objective: 'elbo', numSamples: 5 }), /train\.objective iwae \(--objective iwae\), got elbo/);
  assert.throws(() => resolve({ estimator: 'reinforce', objective: 'iwae' }), /estimator/);
  assert.equal(resolve({ estimator: 'dreg', objective: 'iwae', numSamples: 5 }).train.estimator, 'dreg');
  assert.equal(resolve({ objective: 'iwae', numSamples: 5 }).train.estimator, 'standard');
  // A saved config from before the field resolves to the standard estimator.
  const saved = resolveRunConfig([{ source: 'checkpoint', values: { train: { objective: 'iwae', numSamples: 5 } } }]);
  assert.equal(saved.train.estimator, 'standard');
  const asked = resolve({ objective: 'iwae', numSamples: 5, estimator: 'dreg' });
  assert.match(resumeConflict(saved, asked, 1) ?? '', /^train\.estimator \(saved "standard", asked "dreg"\)/);
});
