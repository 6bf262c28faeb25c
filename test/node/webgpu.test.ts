/**
 * The webgpu backend in Node (Dawn through the optional package webgpu) against tfjs' cpu backend: every
 * model kind trains one short epoch (10 steps) on each from the same seed, and the losses of the epoch, the
 * validation figures and a test-set evaluation agree to WEBGPU_RTOL. Conv networks (the custom gradients of
 * src/nn/conv.ts) and the autoregressive decoder are among them; on webgpu the loop reads each step's losses
 * and the validation figures asynchronously, as in a browser. `--engine auto` leaves every model to the GPU.
 * Where no GPU answers, it runs on Chromium's SwiftShader (a CPU implementation of Vulkan), as `--backend
 * webgpu` does; it skips, saying why, only where no adapter exists at all (no libvulkan1, no driver, no
 * chromium).
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { resolveRunConfig, RunConfig } from '../../src/config/run.js';
import { Dataset } from '../../src/data/dataset.js';
import { prepareTestData, prepareTrainingData } from '../../src/data/prepare.js';
import { limit } from '../../src/data/transforms.js';
import { evaluateRun } from '../../src/eval/figures.js';
import { createRun, disposeRun } from '../../src/io/run.js';
import { fusedKernels } from '../../src/fastpath/fused.js';
import { fusedLoad, initBackend } from '../../src/node/backend.js';
import { Rng } from '../../src/rng.js';
import { readsAsync } from '../../src/tensorReads.js';
import { createStepEngine } from '../../src/train/engine.js';
import { loadDataset } from '../../src/node/datasets.js';
import { listGpuAdapters, releaseWebGpu, webGpuAdapter } from '../../src/node/webgpu.js';
import { trainRun } from '../helpers/train.js';
import { initialTrainState } from '../../src/train/state.js';
import { FULL } from '../helpers/tiers.js';

/**
 * Relative agreement of a figure on webgpu with the same figure on cpu. Both compute in float32, but a GPU
 * sums in another order (tree reductions across workgroups, not a left-to-right loop), may fuse a multiply
 * and an add, and its exp and log are WGSL's approximations (a few ulp), where the cpu backend rounds Math's
 * float64 functions. One op then differs by ~1e-7 relative, and 10 Adam steps carry that into the weights.
 * Measured on SwiftShader: at most 7e-6 over every kind. 1e-4 leaves room for a hardware GPU's faster
 * approximations and still catches a kernel that is wrong, which moves a loss after 10 steps by percents.
 */
export const WEBGPU_RTOL = 1e-4;

const { adapters, notes } = await listGpuAdapters();
const skip = adapters.length ? false : `no WebGPU adapter (${notes.join('; ')}): install libvulkan1 and a GPU's Vulkan driver, or chromium for its SwiftShader`;

/** Tiny models of every kind; one epoch of 100 training images in batches of 10 is 10 steps. */
const KINDS: Record<string, Record<string, unknown>> = {
  'vae (mlp, bernoulli)': { kind: 'vae', hidden: [16] },
  'vae (conv, logistic)': { kind: 'vae', net: 'conv', channels: [2, 4], hidden: [16], decoder: 'discretized-logistic' },
  'vae (gaussian-ar)': { kind: 'vae', hidden: [16], decoder: 'gaussian-ar' },
  ae: { kind: 'ae', hidden: [16] },
  dae: { kind: 'dae', hidden: [16] },
  cae: { kind: 'cae', hidden: [16] },
  pca: { kind: 'pca' },
  aae: { kind: 'aae', hidden: [16], discHidden: [8] },
  cvae: { kind: 'cvae', hidden: [16] },
  'm2 (conv)': { kind: 'm2', net: 'conv', channels: [2, 4], hidden: [16], classifierHidden: [8], labelled: 50, labelledBatch: 5 },
  m1m2: { kind: 'm1m2', m1Latent: 4, m1Hidden: [16], m1Epochs: 1, epochs: 2, hidden: [8], classifierHidden: [8], labelled: 50, labelledBatch: 5 },
};

function config(model: Record<string, unknown>): RunConfig {
  const { epochs = 1, ...rest } = model;
  const train = model.kind === 'pca' ? {} : { batchSize: 10, epochs };
  return resolveRunConfig([{ source: 'test', values: { model: { latentDim: 3, ...rest }, train, data: { limit: 120, valSize: 20 } } }]);
}

/** The figures of one short run on `backend`: each epoch's train and validation metrics, and a test evaluation. */
async function figures(backend: 'cpu' | 'webgpu', model: Record<string, unknown>): Promise<Record<string, number>> {
  await tf.setBackend(backend);
  const cfg = config(model);
  const run = createRun(cfg, loaded.train.shape, initialTrainState());
  try {
    const data = prepareTrainingData(loaded, cfg.data, cfg.train.seed);
    assert.equal(await trainRun(run, data, cfg, {}, { fused: null }), 'finished');
    const out: Record<string, number> = {};
    run.state.history.forEach((h, e) => {
      for (const [k, v] of Object.entries(h.train)) out[`epoch ${e + 1} train ${k}`] = v;
      for (const [k, v] of Object.entries(h.val ?? {})) out[`epoch ${e + 1} val ${k}`] = v;
    });
    flatten(await evaluateRun(run, prepareTestData(testSet, cfg.data, 0), { k: 2 }), 'test', out);
    return out;
  } finally {
    disposeRun(run);
  }
}

/** The numbers of an evaluation, by their path: 'test terms recon', 'test bitsPerDim bitsPerDim'. */
function flatten(value: unknown, path: string, out: Record<string, number>): void {
  if (typeof value === 'number') out[path] = value;
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) flatten(v, `${path} ${k}`, out);
}

let loaded: { train: Dataset; test: Dataset };
let testSet: Dataset;

before(async () => {
  if (skip) return;
  tf.env().set('PROD', true);
  const mnist = await loadDataset({ data: 'mnist' });
  loaded = { train: mnist.train, test: mnist.test };
  testSet = limit(mnist.test, 40);
  await initBackend('webgpu');
});

after(() => releaseWebGpu());

test('--backend webgpu starts on an adapter and names it', { skip }, () => {
  assert.equal(tf.getBackend(), 'webgpu');
  const adapter = webGpuAdapter();
  assert.ok(adapter && adapter.description, 'the adapter has a name');
  console.log(`# webgpu adapter: ${adapter.description} (${adapter.vendor} ${adapter.architecture}${adapter.software ? ', software' : ''})`);
});

test('on webgpu, --engine auto takes no hand-fused kernels and a step reads its losses asynchronously; --engine native takes the kernels', { skip }, async () => {
  try {
    assert.equal(await initBackend('webgpu', { engine: 'auto' }), 'webgpu');
    assert.equal(fusedKernels(), null);
    assert.match(fusedLoad().reason ?? '', /webgpu/);
    assert.ok(readsAsync());
    const cfg = config(KINDS['vae (mlp, bernoulli)']);
    const run = createRun(cfg, loaded.train.shape, initialTrainState());
    try {
      const engine = createStepEngine(run.model, run.optimizer, 784);
      assert.equal(engine.path, 'portable');
      const x = Float32Array.from({ length: 2 * 784 }, (_, i) => (i % 3) / 2);
      const pending = engine.gradients({ x, rows: 2 }, { beta: 1, numSamples: 1, rng: new Rng(0) });
      assert.ok(pending instanceof Promise, 'the losses come as a promise');
      const { names, values } = await pending;
      assert.deepEqual(names, ['total', 'recon', 'kl']);
      assert.ok(values.every(Number.isFinite) && values[0] > 0, `losses ${values}`);
      engine.discard();
      engine.dispose();
    } finally {
      disposeRun(run);
    }
    await initBackend('webgpu', { engine: 'native' });
    assert.ok(fusedKernels() !== null, 'the kernels, asked for by name');
  } finally {
    await initBackend('webgpu', { engine: 'portable' });
  }
});

/**
 * SwiftShader runs WebGPU on the CPU, slowly: `npm test` checks the conv VAE, whose path holds the most that is
 * the GPU's own (conv networks with their custom gradients, dense layers, the logistic decoder); VAEKIT_TEST_FULL=1
 * (as .ci/run sets it) checks every kind. The MLP VAE trains on WebGPU in test/web/gpu.chromium.test.ts too.
 */
const CHECKED = FULL ? Object.keys(KINDS) : ['vae (conv, logistic)'];

for (const [name, model] of Object.entries(KINDS).filter(([name]) => CHECKED.includes(name))) {
  test(`${name}: 10 steps on webgpu give the losses and test figures of the cpu backend (to ${WEBGPU_RTOL} relative)`, { skip, timeout: 900_000 }, async () => {
    const expected = await figures('cpu', model);
    const actual = await figures('webgpu', model);
    assert.deepEqual(Object.keys(actual), Object.keys(expected));
    let worst = 0;
    for (const [k, e] of Object.entries(expected)) {
      const a = actual[k];
      // A share of images misclassified moves by 1/40 when one near-tie of q(y|x) falls the other way.
      if (/error$/i.test(k)) {
        assert.ok(Math.abs(a - e) <= 0.05, `${name}, ${k}: webgpu ${a} vs cpu ${e}`);
        continue;
      }
      const rel = Math.abs(a - e) / Math.max(Math.abs(e), 1e-3);
      worst = Math.max(worst, rel);
      assert.ok(Number.isFinite(a) && rel <= WEBGPU_RTOL, `${name}, ${k}: webgpu ${a} vs cpu ${e} (relative difference ${rel.toExponential(2)})`);
    }
    console.log(`# ${name}: ${Object.keys(expected).length} figures agree; largest relative difference ${worst.toExponential(2)}`);
  });
}
