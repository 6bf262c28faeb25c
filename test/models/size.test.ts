/** The size a kind declares against the model it builds: a lower bound, and a close one. */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRunConfig } from '../../src/config/run.js';
import { createModel } from '../../src/models/create.js';
import { MODEL_KINDS, modelKindSpec } from '../../src/models/registry.js';
import type { ImageShape } from '../../src/nn/convNet.js';
import { useTestBackend } from '../helpers/engine.js';

before(() => useTestBackend());

test('every kind\'s size is at most its parameter count and within 2% of it, with MLP and conv networks', () => {
  const cases: [ImageShape, Record<string, unknown>][] = [
    [[28, 28, 1], { hidden: [64, 32], latentDim: 5 }],
    [[16, 12, 3], { net: 'conv', channels: [4, 6], hidden: [16], latentDim: 3 }],
  ];
  for (const [shape, model] of cases) {
    for (const kind of Object.keys(MODEL_KINDS)) {
      const conv = model.net === 'conv';
      if (conv && (kind === 'pca' || kind === 'cae')) continue; // PCA has no networks; CAE's default penalty needs an MLP
      const values = kind === 'pca' ? { kind, latentDim: 5 } : { kind, ...model };
      const config = resolveRunConfig([{ source: 'test', values: { model: values } }]).model;
      const estimate = modelKindSpec(kind).size(config, shape).parameters;
      const built = createModel(config, shape[0] * shape[1] * shape[2], 0, shape);
      const actual = built.params.count();
      built.dispose();
      assert.ok(estimate <= actual && estimate >= 0.98 * actual, `${kind}${conv ? ' conv' : ''}: size ${estimate}, built ${actual}`);
    }
  }
});
