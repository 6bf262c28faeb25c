/**
 * Every model kind trains the same on vaekit's native backend as on wasm: fifty Adam steps of each kind
 * (conv networks, the autoregressive decoder, the VampPrior and the IWAE bound included) give the same per-epoch losses to 1e-4 relative.
 * Both backends run the same tfjs ops; only the kernels differ, so only float rounding may differ.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { resolveRunConfig } from '../../src/config/run.js';
import { Dataset } from '../../src/data/dataset.js';
import { prepareTrainingData } from '../../src/data/prepare.js';
import { createRun, disposeRun } from '../../src/io/run.js';
import { initBackend } from '../../src/node/backend.js';
import { loadNativeKernels } from '../../src/node/native.js';
import { Rng } from '../../src/rng.js';
import { trainRun } from '../helpers/train.js';
import { initialTrainState } from '../../src/train/state.js';

const load = loadNativeKernels();
const required = process.env.VAEKIT_REQUIRE_NATIVE === '1';
const skip = load.kernels ? false : required ? false : `native backend not built: ${load.reason}`;

before(() => {
  tf.env().set('PROD', true);
});

/** 80 binary 12x12 images with labels 0..3, the same every time. */
function syntheticImages(): Dataset {
  const rng = new Rng(5, 1);
  const count = 80;
  const images = Uint8Array.from({ length: count * 144 }, () => (rng.uniform() < 0.3 ? 255 : 0));
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 4);
  return { name: 'synthetic', images, labels, count, shape: [12, 12, 1] };
}

const MLP = { hidden: [16], latentDim: 3 };
const CONV = { net: 'conv', channels: [4, 6], hidden: [], latentDim: 3 };
const LABELS = { classes: 4, labelled: 16, labelledBatch: 8, hidden: [16], classifierHidden: [16], latentDim: 3 };

/**
 * Each kind and network, tiny; 5 batches of 16 an epoch, 10 epochs: 50 steps (M2: 64 unlabelled, 4 batches);
 * the IWAE bound, 25 steps.
 */
const CASES: { what: string; model: Record<string, unknown>; epochs?: number; train?: Record<string, unknown> }[] = [
  { what: 'vae, mlp', model: { kind: 'vae', ...MLP } },
  { what: 'vae, mlp, iwae k=4', model: { kind: 'vae', ...MLP }, train: { objective: 'iwae', numSamples: 4 }, epochs: 5 },
  { what: 'vae, conv, iwae k=3', model: { kind: 'vae', ...CONV }, train: { objective: 'iwae', numSamples: 3 }, epochs: 5 },
  { what: 'vae, conv, gaussian-learned', model: { kind: 'vae', ...CONV, decoder: 'gaussian-learned' } },
  { what: 'vae, conv, gaussian-ar', model: { kind: 'vae', ...CONV, decoder: 'gaussian-ar' } },
  { what: 'vae, mlp, vamp prior', model: { kind: 'vae', ...MLP, prior: 'vamp', pseudoInputs: 10 } },
  { what: 'vae, conv, vamp prior', model: { kind: 'vae', ...CONV, prior: 'vamp', pseudoInputs: 10 } },
  { what: 'ae', model: { kind: 'ae', ...MLP } },
  { what: 'dae', model: { kind: 'dae', ...MLP } },
  { what: 'cae, exact', model: { kind: 'cae', ...MLP, contractive: 'exact' } },
  { what: 'cae, stochastic', model: { kind: 'cae', ...MLP, contractive: 'stochastic' } },
  { what: 'aae, mlp', model: { kind: 'aae', ...MLP, latentDim: 2 } },
  { what: 'aae, conv', model: { kind: 'aae', ...CONV, latentDim: 2 } },
  { what: 'cvae', model: { kind: 'cvae', ...MLP, classes: 4 } },
  { what: 'm2', model: { kind: 'm2', ...LABELS }, epochs: 13 },
  { what: 'm1m2', model: { kind: 'm1m2', ...LABELS, m1Hidden: [16], m1Latent: 4, m1Epochs: 5 }, epochs: 13 },
];

/** The per-epoch training means of every loss term of a case, trained on `backend` through tfjs ops. */
async function trainOn(backend: 'native' | 'wasm', model: Record<string, unknown>, epochs: number, train: Record<string, unknown> = {}): Promise<number[]> {
  await initBackend(backend);
  const config = resolveRunConfig([{ source: 'test', values: { model, train: { epochs, batchSize: 16, seed: 3, ...train }, data: { valSize: 0, binarize: 'none' } } }]);
  const data = prepareTrainingData({ train: syntheticImages() }, config.data, 0);
  const run = createRun(config, data.train.shape, initialTrainState());
  await trainRun(run, data, config, {}, { fused: null });
  const losses = run.state.history.flatMap((r) => Object.keys(r.train).sort().map((k) => r.train[k]));
  disposeRun(run);
  return losses;
}

test('fifty steps of every kind give the same losses on the native backend as on wasm (1e-4 relative)', { skip }, async () => {
  try {
    for (const { what, model, epochs = 10, train } of CASES) {
      const wasm = await trainOn('wasm', model, epochs, train);
      const native = await trainOn('native', model, epochs, train);
      assert.equal(native.length, wasm.length, `${what}: number of figures`);
      assert.ok(native.length >= epochs, `${what}: a figure per epoch`);
      native.forEach((v, i) => {
        const tol = 1e-4 * Math.max(Math.abs(wasm[i]), 1e-3);
        assert.ok(Number.isFinite(v) && Math.abs(v - wasm[i]) <= tol, `${what}: figure ${i}: native ${v} vs wasm ${wasm[i]}`);
      });
    }
  } finally {
    await initBackend('wasm');
  }
});
