/** The CLI's shared log lines: which model settings a run shows, and where its ops run. */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRunConfig } from '../../src/config/run.js';
import { engineText, modelSettingsText } from '../../src/cli/common.js';
import { initBackend } from '../../src/node/backend.js';
import { NativeLoad } from '../../src/node/native.js';

before(() => initBackend('wasm'));

const model = (values: Record<string, unknown>) => resolveRunConfig([{ source: 'flags', values: { model: values } }]).model;

test('the model line shows the settings that apply to the kind, its networks and its decoder, and no others', () => {
  const cases: [Record<string, unknown>, string[], string[]][] = [
    [{ kind: 'vae' }, ['latentDim 20', 'hidden 400', 'decoder bernoulli', 'net mlp'], ['sigma', 'minLogVar', 'channels']],
    [{ kind: 'vae', decoder: 'gaussian', sigma: 0.1 }, ['sigma 0.1'], ['minLogVar', 'channels']],
    [{ kind: 'vae', decoder: 'gaussian-learned' }, ['minLogVar -6'], ['sigma', 'channels']],
    [{ kind: 'vae', decoder: 'gaussian-ar', net: 'conv', channels: [8, 16] }, ['minLogVar -6', 'net conv', 'channels 8,16'], ['sigma']],
    [{ kind: 'vae', decoder: 'discretized-logistic' }, ['decoder discretized-logistic'], ['sigma', 'minLogVar']],
    [{ kind: 'cvae' }, ['classes 10'], ['sigma', 'minLogVar', 'channels']],
    [{ kind: 'm2', net: 'conv' }, ['channels 32,64', 'alpha'], ['sigma', 'minLogVar']],
    [{ kind: 'm1m2' }, ['decoder gaussian-learned', 'minLogVar -6', 'm1Latent 50'], ['sigma', 'channels']],
    [{ kind: 'cae' }, ['contractive exact', 'lambda 0.1'], ['contractiveSigma']],
    [{ kind: 'cae', contractive: 'stochastic' }, ['contractiveSigma 0.1'], []],
    [{ kind: 'aae' }, ['prior', 'discHidden'], ['sigma', 'minLogVar', 'channels']],
    [{ kind: 'pca' }, ['latentDim 20'], []],
  ];
  for (const [values, shown, hidden] of cases) {
    const text = modelSettingsText(model(values));
    for (const s of shown) assert.ok(text.includes(s), `${JSON.stringify(values)}: ${s} in "${text}"`);
    for (const s of hidden) assert.ok(!new RegExp(`\\b${s} `).test(text), `${JSON.stringify(values)}: no ${s} in "${text}"`);
  }
  assert.equal(modelSettingsText(model({ kind: 'pca' })), 'latentDim 20');
});

test('the engine line says where the ops run once: the kernels and their threads, or the portable engine on its backend and threads', () => {
  const missing: NativeLoad = { kernels: null, reason: 'not built' };
  assert.equal(engineText('portable', missing, 'wasm'), 'portable (tfjs wasm, 1 thread); native kernels unavailable: not built');
  assert.equal(engineText('portable', missing, 'cpu'), 'portable (tfjs cpu, 1 thread); native kernels unavailable: not built');
  assert.equal(engineText('portable', missing, 'tensorflow'), 'portable (tfjs tensorflow); native kernels unavailable: not built');
  const loaded = { kernels: { info: () => ({ blas: 'OpenBLAS 0.3.21 x', threads: 4, parallel: 'openmp' }) }, reason: '' } as unknown as NativeLoad;
  const native = engineText('native', loaded, 'wasm');
  assert.equal(native, 'native (OpenBLAS 0.3.21, 4 threads, openmp)');
  assert.ok(!native.includes('wasm'), 'the kernels run the steps: no backend to name');
  assert.match(engineText('portable', loaded, 'wasm'), /^portable \(tfjs wasm, 1 thread\): the native kernels run only/);
});
