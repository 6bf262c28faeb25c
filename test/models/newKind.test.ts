/**
 * A kind written outside src/: one model file (here, this test) exports its spec, and one registration makes it a
 * kind like the built-in ones: configs name it and are checked against its fields, `trainModel` trains it with
 * the trainer it declares, checkpoints of it load, and the command line's help lists its flags.
 *
 * The kind is a VAE whose prior is N(0, s^2 I) rather than N(0, I), reusing the VAE's networks and likelihood.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { resolveRunConfig, RunConfig } from '../../src/config/run.js';
import { FieldSpec } from '../../src/config/schema.js';
import { Dataset } from '../../src/data/dataset.js';
import { createRun, disposeRun, runFromCheckpoint, runToCheckpoint } from '../../src/io/run.js';
import { logLikelihood } from '../../src/models/likelihood.js';
import { isModelKind, ModelConfig, modelFactory, registerModelKind } from '../../src/models/registry.js';
import { ModelKindSpec } from '../../src/models/spec.js';
import { Batch, LossOptions, LossTerms } from '../../src/models/types.js';
import { drawEps, PortableMlpVae, repeatRows } from '../../src/models/vae.js';
import { VAE_DEFAULTS, VAE_FIELDS, VAE_KIND, VaeConfig } from '../../src/models/vaeConfig.js';
import { configGroups } from '../../src/cli/sharedFlags.js';
import { klStdNormal, logNormal, logStdNormal, reparameterize } from '../../src/prob/gaussian.js';
import { monteCarloMean } from '../../src/prob/estimators.js';
import { Rng } from '../../src/rng.js';
import { trainRun } from '../helpers/train.js';
import { initialTrainState } from '../../src/train/state.js';
import { assertClose, useTestBackend } from '../helpers/engine.js';

// ---- the model file ----

/** A VAE with the prior p(z) = N(0, priorScale^2 I). */
interface ScaledPriorVaeConfig extends Omit<VaeConfig, 'kind'> {
  kind: 'vae-scaled-prior';
  /** Standard deviation s of the prior N(0, s^2 I). Default 2. */
  priorScale: number;
}

class ScaledPriorVae extends PortableMlpVae {
  override readonly kind = 'vae-scaled-prior';
  // Not N(0, I): the views' samplers, which draw from N(0, I), have nothing to draw from.
  override readonly prior = null;
  private readonly scale: number;

  constructor(config: ScaledPriorVaeConfig, inputDim: number, seed: number) {
    super({ ...config, kind: 'vae' }, inputDim, seed);
    this.scale = config.priorScale;
  }

  /** KL(N(mean, exp(logVar)) || N(0, s^2 I)) = KL(N(mean / s, exp(logVar) / s^2) || N(0, I)): z / s has the standard prior. */
  klToPrior(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => klStdNormal(tf.div(mean, this.scale), tf.sub(logVar, 2 * Math.log(this.scale))) as tf.Tensor1D);
  }

  override lossTerms(batch: Batch, opts: LossOptions): LossTerms {
    return tf.tidy(() => {
      const { x } = batch;
      const { mean, logVar } = this.encode(x);
      const kl = this.klToPrior(mean, logVar);
      const z = reparameterize(repeatRows(mean, opts.numSamples), repeatRows(logVar, opts.numSamples), drawEps(opts.rng, opts.numSamples * x.shape[0], this.latentDim)) as tf.Tensor2D;
      const recon = tf.neg(monteCarloMean(logLikelihood(this.decode(z), repeatRows(x, opts.numSamples), this.likelihood), opts.numSamples)) as tf.Tensor1D;
      return { total: tf.add(recon, tf.mul(kl, opts.beta)) as tf.Tensor1D, recon, kl };
    });
  }

  override importanceLogWeights(x: tf.Tensor2D, numSamples: number, rng: Rng): tf.Tensor2D {
    return tf.tidy(() => {
      const { mean, logVar } = this.encode(x);
      const meanK = repeatRows(mean, numSamples);
      const logVarK = repeatRows(logVar, numSamples);
      const z = reparameterize(meanK, logVarK, drawEps(rng, numSamples * x.shape[0], this.latentDim)) as tf.Tensor2D;
      // log N(z; 0, s^2 I) = log N(z / s; 0, I) - k log s.
      const logPrior = tf.sub(logStdNormal(tf.div(z, this.scale)), this.latentDim * Math.log(this.scale));
      const logW = tf.sub(tf.add(logLikelihood(this.decode(z), repeatRows(x, numSamples), this.likelihood), logPrior), logNormal(z, meanK, logVarK));
      return tf.reshape(logW, [numSamples, x.shape[0]]) as tf.Tensor2D;
    });
  }
}

const PRIOR_SCALE_FIELD: FieldSpec = { key: 'priorScale', flag: 'prior-scale', help: 'standard deviation s of the prior N(0, s^2 I)', type: { type: 'number', exclusiveMin: 0 } };

const SCALED_PRIOR_KIND: ModelKindSpec<ScaledPriorVaeConfig> = {
  kind: 'vae-scaled-prior',
  description: 'VAE with the prior N(0, s^2 I)',
  defaults: { ...VAE_DEFAULTS, kind: 'vae-scaled-prior', priorScale: 2 },
  fields: [...VAE_FIELDS, PRIOR_SCALE_FIELD],
  trainer: 'standard',
  objective: '-elbo',
  // A model file of one's own holds the class too, so its code is loaded already.
  load: async () => (config, inputDim, seed) => new ScaledPriorVae(config, inputDim, seed),
  size: (config, shape) => VAE_KIND.size({ ...config, kind: 'vae' }, shape),
};

// ---- the registry line ----

await registerModelKind(SCALED_PRIOR_KIND);

// ---- its tests ----

/** 40 images of 4x4 grey levels, a fixed pattern: enough for a few steps. */
function tinyData(): Dataset {
  const count = 40;
  const images = new Uint8Array(count * 16);
  for (let i = 0; i < images.length; i++) images[i] = (i * 37 + Math.floor(i / 16) * 11) % 256;
  return { name: 'tiny', images, count, shape: [4, 4, 1] };
}

function config(model: Record<string, unknown> = {}): RunConfig {
  return resolveRunConfig([
    { source: 'test', values: { model: { kind: 'vae-scaled-prior', latentDim: 2, hidden: [8], ...model }, train: { epochs: 1, batchSize: 10 }, data: { valSize: 0, binarize: 'static' } } },
  ]);
}

before(async () => {
  await useTestBackend();
});

test('a registered kind resolves like a built-in one: its defaults, its fields, its errors', async () => {
  assert.ok(isModelKind('vae-scaled-prior'));
  const model = config({ priorScale: 3 }).model as unknown as ScaledPriorVaeConfig;
  assert.deepEqual(model, { ...VAE_DEFAULTS, kind: 'vae-scaled-prior', latentDim: 2, hidden: [8], priorScale: 3 });
  assert.equal((config().model as unknown as ScaledPriorVaeConfig).priorScale, 2);
  assert.throws(() => config({ priorScale: 0 }), /"priorScale": expected a number > 0, got 0/);
  assert.throws(() => config({ labels: true }), /unknown key "labels"/);
  assert.deepEqual(configGroups('vae-scaled-prior')[0].fields.map((f) => f.flag).slice(-1), ['prior-scale']);
  await assert.rejects(registerModelKind(SCALED_PRIOR_KIND), /already registered/);
  await assert.rejects(registerModelKind({ ...SCALED_PRIOR_KIND, kind: 'vae' } as unknown as ModelKindSpec<ScaledPriorVaeConfig>), /already registered/);
});

test('its KL is to N(0, s^2 I): 0.5 sum((v + m^2) / s^2 - 1 - log v + log s^2)', () => {
  const c = config({ priorScale: 3 });
  const model = modelFactory(c.model.kind)(c.model, 16, 0) as ScaledPriorVae;
  try {
    const mean = [0.5, -1, 2, 0];
    const logVar = [0, -0.5, 1, 0.3];
    const kl = tf.tidy(() => model.klToPrior(tf.tensor2d(mean, [2, 2]), tf.tensor2d(logVar, [2, 2])).dataSync());
    const s2 = 9;
    const expected = [0, 1].map((r) => {
      let sum = 0;
      for (let j = 0; j < 2; j++) {
        const [m, lv] = [mean[2 * r + j], logVar[2 * r + j]];
        sum += (Math.exp(lv) + m * m) / s2 - 1 - lv + Math.log(s2);
      }
      return 0.5 * sum;
    });
    assertClose(kl, expected, 1e-5, 1e-6, 'kl');
  } finally {
    model.dispose();
  }
});

test('trainModel trains it with the trainer it declares, and its checkpoint loads as the same kind', async () => {
  const c = config();
  const data = tinyData();
  const run = createRun(c, data.shape, initialTrainState());
  const before = run.model.params.snapshot();
  try {
    assert.equal(await trainRun(run, { train: data }, c), 'finished');
    assert.equal(run.state.epoch, 1);
    const record = run.state.history[0];
    assert.ok(Number.isFinite(record.train.total) && Number.isFinite(record.train.kl), JSON.stringify(record));
    const after = run.model.params.snapshot();
    assert.ok([...before.keys()].every((name) => after.get(name)!.some((v, i) => v !== before.get(name)![i])), 'every parameter moved');

    const loaded = runFromCheckpoint(runToCheckpoint(run), 'test');
    try {
      assert.ok(loaded.model instanceof ScaledPriorVae);
      assert.deepEqual(loaded.config.model as ModelConfig, c.model);
    } finally {
      disposeRun(loaded);
    }
  } finally {
    disposeRun(run);
  }
});
