import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Aae, AAE_DEFAULTS, AaeConfig } from '../../src/models/aae.js';
import { samplePrior } from '../../src/prob/priors.js';
import { Rng } from '../../src/rng.js';
import { trainingStepGradients } from '../../src/train/multiStep.js';
import { StepOptimizers } from '../../src/train/stepOptimizers.js';
import { assertClose, assertNoLeak, readNow, useTestBackend } from '../helpers/engine.js';

before(async () => {
  await useTestBackend();
});

const DIM = 12;
const ROWS = 16;

function config(overrides: Partial<AaeConfig> = {}): AaeConfig {
  return { ...AAE_DEFAULTS, latentDim: 2, hidden: [10], discHidden: [8], ...overrides };
}

function images(seed: number): Float32Array {
  const r = new Rng(seed);
  return Float32Array.from({ length: ROWS * DIM }, () => (r.uniform() < 0.5 ? 1 : 0));
}

/** Labels 0..9 with every fourth image unlabelled (-1). */
const LABELS = Int32Array.from({ length: ROWS }, (_, i) => (i % 4 === 3 ? -1 : i % 10));

/** Runs one declared step of `model` with its own optimizer. */
function step(model: Aae, optimizers: StepOptimizers, name: string, seed: number): number {
  const s = model.trainingSteps.find((t) => t.name === name)!;
  const variables = s.params.map((p) => model.params.get(p));
  const { terms, grads } = trainingStepGradients(s, variables, { x: images(seed), rows: ROWS, labels: LABELS }, DIM, new Rng(seed, 1));
  const { values } = readNow(terms);
  optimizers.get(name).apply(grads);
  tf.dispose(grads);
  return values[0];
}

test('the AAE declares recon, disc and gen, in that order, over encoder+decoder, discriminator, encoder', () => {
  const model = new Aae(config(), DIM, 0);
  assert.deepEqual(model.trainingSteps.map((s) => s.name), ['recon', 'disc', 'gen']);
  const nets = (names: readonly string[]) => [...new Set(names.map((n) => n.split('.')[0]))];
  assert.deepEqual(model.trainingSteps.map((s) => nets(s.params)), [['encoder', 'decoder'], ['discriminator'], ['encoder']]);
  assert.equal(model.trainingSteps[0].params.length + model.trainingSteps[1].params.length, model.params.names().length, 'every parameter belongs to a step');
  model.dispose();
});

test('each step moves every weight of its own networks and no other weight (after a burn-in batch)', async () => {
  for (const c of [config(), config({ prior: 'mixture', labels: true, stochasticEncoder: true })]) {
    const model = new Aae(c, DIM, 1);
    const optimizers = new StepOptimizers(model.params, model.trainingSteps, { lr: 1e-2 });
    // Burn-in: one batch of all three steps, so no step starts from untouched moments or dead units.
    for (const s of model.trainingSteps) step(model, optimizers, s.name, 10);
    for (const [i, s] of model.trainingSteps.entries()) {
      const before = model.params.snapshot();
      await assertNoLeak(() => step(model, optimizers, s.name, 20 + i));
      for (const [name, values] of model.params.snapshot()) {
        const moved = values.some((v, j) => v !== before.get(name)![j]);
        assert.equal(moved, s.params.includes(name), `${JSON.stringify({ prior: c.prior, labels: c.labels })} step ${s.name}: ${name} ${moved ? 'moved' : 'did not move'}`);
      }
    }
    assert.deepEqual(optimizers.steps(), { recon: 2, disc: 2, gen: 2 });
    optimizers.dispose();
    model.dispose();
  }
});

test('on codes the discriminator can tell apart perfectly from prior draws, its loss falls towards 0', () => {
  const model = new Aae(config({ prior: 'gaussian' }), DIM, 2);
  // Every code at (8, 8): far outside N(0, I), so a line separates codes from prior draws.
  const last = model.params.get('encoder.1.w');
  last.assign(tf.zerosLike(last));
  model.params.get('encoder.1.b').assign(tf.tensor1d([8, 8]));
  const optimizers = new StepOptimizers(model.params, model.trainingSteps, { lr: 1e-2 });
  const losses = Array.from({ length: 60 }, (_, i) => step(model, optimizers, 'disc', i));
  assert.ok(losses[0] > 0.5, `first loss ${losses[0]}`);
  assert.ok(losses.at(-1)! < 0.2 * losses[0], `disc loss ${losses[0]} -> ${losses.at(-1)}`);
  for (let i = 10; i < losses.length; i += 10) assert.ok(losses[i] < losses[i - 10], `disc loss should keep falling: ${losses.join(', ')}`);
  optimizers.dispose();
  model.dispose();
});

test('with labels the discriminator sees the component of each prior draw, the label of each image, and the spare slot for unlabelled ones', () => {
  for (const prior of ['mixture', 'swissroll'] as const) {
    const model = new Aae(config({ prior, labels: true }), DIM, 3);
    const seen: number[][][] = [];
    const original = model.discriminatorLogits.bind(model);
    model.discriminatorLogits = (z, oneHot) => {
      seen.push(oneHot!.arraySync());
      return original(z, oneHot);
    };
    tf.tidy(() => {
      const disc = model.trainingSteps[1];
      disc.loss({ x: tf.tensor2d(images(4), [ROWS, DIM]), labels: tf.tensor1d(LABELS, 'int32') }, { beta: 1, numSamples: 1, rng: new Rng(9, 9) });
    });
    // The prior draws come first from the step's stream: replaying it gives their components.
    const { component } = samplePrior(prior, ROWS, 2, new Rng(9, 9));
    const slot = (row: number[]) => {
      assert.equal(row.length, 11);
      assert.equal(row.reduce((a, b) => a + b, 0), 1, `one-hot ${row}`);
      return row.indexOf(1);
    };
    assert.equal(seen.length, 2);
    assert.deepEqual(seen[0].map(slot), Array.from(component!));
    assert.deepEqual(seen[1].map(slot), Array.from(LABELS, (l) => (l < 0 ? 10 : l)));
    model.dispose();
  }
  assert.throws(() => new Aae(config({ prior: 'gaussian', labels: true }), DIM, 0), /--labels needs a prior made of parts/);
});

test('the losses are the stable forms of -log d and -log(1 - d); lossTerms reports all three and leaks nothing', async () => {
  const model = new Aae(config({ prior: 'mixture' }), DIM, 5);
  await assertNoLeak(() =>
    tf.tidy(() => {
      const x = tf.tensor2d(images(6), [ROWS, DIM]);
      const terms = model.lossTerms({ x }, { beta: 1, numSamples: 1, rng: new Rng(2) });
      assert.deepEqual(Object.keys(terms), ['total', 'recon', 'disc', 'gen']);
      assert.deepEqual(terms.total.dataSync(), terms.recon.dataSync());
      // gen by hand: -log sigmoid(a) for the codes' logits.
      const a = model.discriminatorLogits(model.encodeMean(x), null).dataSync();
      assertClose(terms.gen.dataSync(), Array.from(a, (v) => -Math.log(1 / (1 + Math.exp(-v)))), 1e-5, 1e-6, 'gen');
      // Far-off logits stay finite where log(sigmoid) would underflow.
      assert.ok(Number.isFinite(tf.softplus(tf.scalar(-200)).dataSync()[0]) && tf.softplus(tf.scalar(200)).dataSync()[0] === 200);
    }),
  );
  model.dispose();
});
