import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, FieldSpec, parseFlag, resolveSection } from '../../src/config/schema.js';
import { DATA_DEFAULTS, DATA_FIELDS, dataConfigFor, IMAGE_FOLDER_DEFAULTS, klWeight, resolveRunConfig, resumeConflict, RunConfig, TRAIN_DEFAULTS, TRAIN_FIELDS, TrainConfig, unusedDataSettings, unusedTrainSettings } from '../../src/config/run.js';
import { MAX_CONFIG_DEPTH, parseConfigText } from '../../src/config/text.js';
import { MODEL_KINDS, modelKindSpec } from '../../src/models/registry.js';
import { VAE_DEFAULTS, VaeConfig } from '../../src/models/vae.js';

/** Asserts that `f` throws a ConfigError whose message matches every pattern. */
function throwsConfigError(f: () => unknown, ...patterns: (RegExp | string)[]): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    assert.equal(e.name, 'ConfigError');
    for (const p of patterns) {
      if (typeof p === 'string') assert.ok(e.message.includes(p), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(p)}`);
      else assert.match(e.message, p);
    }
    return true;
  });
}

const field = (flag: string, fields: FieldSpec[]): FieldSpec => {
  const f = fields.find((x) => x.flag === flag);
  assert.ok(f, `no field with flag ${flag}`);
  return f;
};
const VAE_FIELDS = MODEL_KINDS.vae.fields;

// ---------------------------------------------------------------------------------------------------------------
// resolveRunConfig

test('resolveRunConfig with no layers gives the documented defaults', () => {
  const config = resolveRunConfig([]);
  assert.deepEqual(config, { model: VAE_DEFAULTS, train: TRAIN_DEFAULTS, data: DATA_DEFAULTS });
  // The values the doc comments promise, written out so a changed default is noticed.
  assert.deepEqual(config.train, { epochs: 10, batchSize: 128, lr: 1e-3, lrSteps: [], lrStepFactor: 0.1, beta: 1, warmupEpochs: 0, numSamples: 1, objective: 'elbo', estimator: 'standard', seed: 0, adamBeta2: 0.999, adamEpsilon: 1e-8, patience: 0 });
  // No image-folder settings until a folder is read (dataConfigFor).
  assert.deepEqual(config.data, { data: 'mnist', dataDir: null, binarize: 'dynamic', valSize: 'auto', limit: 0, stream: 'auto' });
  // Colour data is not binarized unless asked.
  assert.equal(resolveRunConfig([{ source: 'flags', values: { data: { data: 'cifar10' } } }]).data.binarize, 'none');
  assert.equal(resolveRunConfig([{ source: 'flags', values: { data: { data: 'cifar10', binarize: 'dynamic' } } }]).data.binarize, 'dynamic');
  assert.deepEqual(config.model, { kind: 'vae', latentDim: 20, hidden: [400], activation: 'relu', decoder: 'bernoulli', sigma: 1, minLogVar: -6, net: 'mlp', channels: [32, 64], prior: 'standard', pseudoInputs: 500 });
  // Layers that name nothing change nothing.
  assert.deepEqual(resolveRunConfig([{ source: 'empty.json', values: {} }, { source: 'flags', values: { train: {}, model: {} } }]), config);
});

test('every defaults table passes its own field checks and every field has a default', () => {
  for (const [fields, defaults] of [[TRAIN_FIELDS, TRAIN_DEFAULTS], [DATA_FIELDS, { ...DATA_DEFAULTS, ...IMAGE_FOLDER_DEFAULTS }], [VAE_FIELDS, VAE_DEFAULTS]] as const) {
    const keys = Object.keys(defaults).filter((k) => k !== 'kind').sort();
    assert.deepEqual(fields.map((f) => f.key).sort(), keys);
    // Feeding the defaults back as a layer is accepted and gives the same values.
    const { kind: _kind, ...values } = defaults as unknown as Record<string, unknown>;
    assert.deepEqual(resolveSection(fields, defaults, [{ source: 'defaults', values }], ['kind']), defaults);
  }
});

test('image-folder settings are saved for image folders only; a config that holds them for IDX data still loads and resumes', () => {
  const flags = (data: Record<string, unknown>) => resolveRunConfig([{ source: 'flags', values: { data } }]);
  // An IDX run keeps none, whatever was given; a folder run keeps what the reader used.
  assert.deepEqual(dataConfigFor(flags({ imageSize: 64 }).data, undefined), DATA_DEFAULTS);
  assert.deepEqual(dataConfigFor(flags({ data: './photos' }).data, { imageSize: 32, channels: 3 }), { ...DATA_DEFAULTS, data: './photos', imageSize: 32, channels: 3 });
  // A checkpoint written when every run stored them (imageSize 32, channels 3 on MNIST).
  const old = { model: { kind: 'vae' }, train: {}, data: { ...DATA_DEFAULTS, imageSize: 32, channels: 3 } };
  const saved: RunConfig = resolveRunConfig([{ source: 'old.ckpt', values: old }]);
  assert.deepEqual([saved.data.imageSize, saved.data.channels], [32, 3]);
  const asked = resolveRunConfig([{ source: 'the checkpoint', values: saved as unknown as Record<string, Record<string, unknown>> }, { source: 'flags', values: { train: { epochs: 20 } } }]);
  assert.equal(resumeConflict(saved, asked, 10), null);
  // Once resumed, the run saves them no more, and the next resume compares like with like.
  const resumed = { ...asked, data: dataConfigFor(asked.data, undefined) };
  assert.ok(!('imageSize' in resumed.data) && !('channels' in resumed.data));
  const next = resolveRunConfig([{ source: 'the checkpoint', values: resumed as unknown as Record<string, Record<string, unknown>> }, { source: 'flags', values: {} }]);
  assert.equal(resumeConflict(resumed, next, 20), null);
});

test('a fitted kind declares the training settings it has no use for, and runs one pass; data settings follow the source read', () => {
  assert.deepEqual(unusedTrainSettings('pca', { train: { lr: 0.1, seed: 2, epochs: 5 } }).map((u) => u.key), ['lr', 'epochs']);
  assert.equal(unusedTrainSettings('pca', { train: { lr: 0.1 } })[0].reason, 'it is fitted in one pass');
  assert.deepEqual(unusedTrainSettings('vae', { train: { lr: 0.1, epochs: 5 } }), []);
  assert.equal(resolveRunConfig([{ source: 'flags', values: { model: { kind: 'pca' } } }]).train.epochs, 1);
  // A saved PCA config holds every setting: it resolves, with its own epochs.
  assert.equal(resolveRunConfig([{ source: 'old.ckpt', values: { model: { kind: 'pca' }, train: { ...TRAIN_DEFAULTS } } }]).train.epochs, 10);
  const idx = { settings: undefined };
  const folder = { settings: { imageSize: 32, channels: 3 } };
  const ownSplit = { valid: { count: 10_000 } };
  assert.deepEqual(unusedDataSettings(idx, { data: { imageSize: 16, channels: 1, valSize: 100 } }).map((u) => u.key), ['imageSize', 'channels']);
  assert.deepEqual(unusedDataSettings(folder, { data: { imageSize: 16, channels: 1 } }), []);
  assert.deepEqual(unusedDataSettings(ownSplit, { data: { valSize: 100, limit: 10 } }).map((u) => [u.key, u.reason]), [['valSize', 'it has its own fixed validation split of 10,000 images']]);
  assert.deepEqual(unusedDataSettings(ownSplit, {}), []);
});

test('a later layer overrides an earlier one, key by key', () => {
  const config = resolveRunConfig([
    { source: 'base.json', values: { train: { epochs: 50, lr: 0.01 }, model: { latentDim: 2, hidden: [500, 300] }, data: { binarize: 'static' } } },
    { source: 'flags', values: { train: { epochs: 3 }, model: { hidden: [] }, data: { dataDir: '/tmp/d' } } },
  ]);
  assert.equal(config.train.epochs, 3);
  assert.equal(config.train.lr, 0.01);
  assert.equal(config.train.batchSize, 128);
  assert.equal(config.model.latentDim, 2);
  assert.deepEqual((config.model as VaeConfig).hidden, []);
  assert.equal(config.model.kind, 'vae');
  assert.equal(config.data.binarize, 'static');
  assert.equal(config.data.dataDir, '/tmp/d');
  assert.equal(config.data.data, 'mnist');
  // A later null resets a nullable field.
  assert.equal(resolveRunConfig([{ source: 'a', values: { data: { dataDir: '/x' } } }, { source: 'b', values: { data: { dataDir: null } } }]).data.dataDir, null);
});

test('resolveRunConfig does not let the caller mutate the defaults', () => {
  const config = resolveRunConfig([]);
  config.train.epochs = 99;
  config.data.limit = 7;
  assert.equal(TRAIN_DEFAULTS.epochs, 10);
  assert.equal(DATA_DEFAULTS.limit, 0);
  // Lists from a layer are copied.
  const hidden = [32, 16];
  const fromLayer = resolveRunConfig([{ source: 'a', values: { model: { hidden } } }]);
  hidden.push(8);
  assert.deepEqual((fromLayer.model as VaeConfig).hidden, [32, 16]);
});

test(
  'resolveRunConfig copies the default hidden list',
  () => {
    const config = resolveRunConfig([]);
    assert.notEqual((config.model as VaeConfig).hidden, VAE_DEFAULTS.hidden, 'config.model.hidden aliases VAE_DEFAULTS.hidden');
  },
);

test('an unknown key throws a ConfigError naming the key, the section and the source', () => {
  throwsConfigError(() => resolveRunConfig([{ source: 'cfg.json', values: { train: { epoch: 3 } } }]), 'cfg.json (train): unknown key "epoch"', 'known: epochs,');
  throwsConfigError(() => resolveRunConfig([{ source: 'ok.json', values: {} }, { source: 'flags', values: { model: { latent: 2 } } }]), 'flags (model): unknown key "latent"');
  throwsConfigError(() => resolveRunConfig([{ source: 'cfg.json', values: { data: { valsize: 10 } } }]), 'cfg.json (data): unknown key "valsize"');
});

test('an unknown section throws a ConfigError naming it and the source', () => {
  throwsConfigError(
    () => resolveRunConfig([{ source: 'cfg.json', values: { optimizer: { lr: 1 } } as unknown as { train: Record<string, unknown> } }]),
    'cfg.json: unknown section "optimizer" (known: model, train, data)',
  );
});

test('wrong types and out-of-range values throw a ConfigError naming the key and the source', () => {
  const bad = (section: 'train' | 'model' | 'data', values: Record<string, unknown>) => () =>
    resolveRunConfig([{ source: 'cfg.json', values: { [section]: values } }]);
  throwsConfigError(bad('train', { epochs: '10' }), 'cfg.json (train): "epochs": expected an integer >= 1, got "10"');
  throwsConfigError(bad('train', { epochs: 0 }), 'cfg.json (train): "epochs": expected an integer >= 1, got 0');
  throwsConfigError(bad('train', { epochs: 2.5 }), '"epochs"', 'got 2.5');
  throwsConfigError(bad('train', { lr: 0 }), 'cfg.json (train): "lr": expected a number > 0, got 0');
  throwsConfigError(bad('train', { beta: -1 }), '"beta": expected a number >= 0');
  throwsConfigError(bad('model', { hidden: [400, 1.5] }), 'cfg.json (model): "hidden": expected a comma-separated list of integers >= 1 (may be empty), got [400,1.5]');
  throwsConfigError(bad('model', { hidden: 400 }), 'cfg.json (model): "hidden"');
  throwsConfigError(bad('model', { hidden: [400, 0] }), '"hidden"');
  throwsConfigError(bad('model', { activation: 'swish' }), 'cfg.json (model): "activation": expected one of linear, relu, tanh, sigmoid, elu, softplus, got "swish"');
  throwsConfigError(bad('data', { binarize: true }), 'cfg.json (data): "binarize"');
  throwsConfigError(bad('data', { data: null }), 'cfg.json (data): "data": expected a string, got null');
  throwsConfigError(bad('data', { dataDir: 3 }), '"dataDir": expected a string or null, got 3');
  throwsConfigError(() => resolveRunConfig([{ source: 'cfg.json', values: { train: [1] as unknown as Record<string, unknown> } }]), 'cfg.json (train): expected an object');
});

test('an unknown model kind throws a ConfigError', () => {
  throwsConfigError(() => resolveRunConfig([{ source: 'cfg.json', values: { model: { kind: 'gan' } } }]), 'model kind', 'got "gan"', 'vae');
});

test('a built-in property name is no model kind', () => {
  for (const kind of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
    throwsConfigError(() => resolveRunConfig([{ source: 'cfg.json', values: { model: { kind } } }]), 'cfg.json', 'model kind', `got "${kind}"`);
    assert.throws(() => modelKindSpec(kind), new RegExp(`unknown model kind "${kind}"`));
  }
});

test(
  'an unknown model kind names the source too',
  () => {
    throwsConfigError(() => resolveRunConfig([{ source: 'cfg.json', values: { model: { kind: 'gan' } } }]), 'cfg.json');
  },
);

test(
  'a layer that is not an object throws a ConfigError naming the source',
  () => {
    for (const values of [null, 5, true]) {
      throwsConfigError(() => resolveRunConfig([{ source: 'cfg.json', values: values as unknown as { train: Record<string, unknown> } }]), 'cfg.json');
    }
  },
);

// ---------------------------------------------------------------------------------------------------------------
// parseFlag

test('parseFlag parses integers and numbers', () => {
  assert.equal(parseFlag(field('epochs', TRAIN_FIELDS), '25'), 25);
  assert.equal(parseFlag(field('epochs', TRAIN_FIELDS), ' 7 '), 7);
  assert.equal(parseFlag(field('seed', TRAIN_FIELDS), '0'), 0);
  assert.equal(parseFlag(field('lr', TRAIN_FIELDS), '3e-4'), 3e-4);
  assert.equal(parseFlag(field('warmup-epochs', TRAIN_FIELDS), '2.5'), 2.5);
  assert.equal(parseFlag(field('min-log-var', VAE_FIELDS), '-6.5'), -6.5);
});

test('parseFlag rejects bad numbers with the flag named', () => {
  const epochs = field('epochs', TRAIN_FIELDS);
  throwsConfigError(() => parseFlag(epochs, 'ten'), '--epochs: expected an integer >= 1, got "ten"');
  throwsConfigError(() => parseFlag(epochs, ''), '--epochs: expected an integer >= 1, got ""');
  throwsConfigError(() => parseFlag(epochs, '0'), '--epochs: expected an integer >= 1, got 0');
  throwsConfigError(() => parseFlag(epochs, '1.5'), '--epochs', 'got 1.5');
  throwsConfigError(() => parseFlag(epochs, '-3'), '--epochs', 'got -3');
  throwsConfigError(() => parseFlag(field('lr', TRAIN_FIELDS), '0'), '--lr: expected a number > 0, got 0');
  throwsConfigError(() => parseFlag(field('lr', TRAIN_FIELDS), 'fast'), '--lr', '"fast"');
  throwsConfigError(() => parseFlag(field('lr', TRAIN_FIELDS), 'Infinity'), '--lr');
  throwsConfigError(() => parseFlag(field('batch-size', TRAIN_FIELDS), '12abc'), '--batch-size', '"12abc"');
});

test('parseFlag refuses integers past their bound or past exact integers', () => {
  throwsConfigError(() => parseFlag(field('image-size', DATA_FIELDS), '1e6'), '--image-size: expected an integer from 1 to 1024, got 1000000');
  assert.equal(parseFlag(field('image-size', DATA_FIELDS), '1024'), 1024);
  throwsConfigError(() => parseFlag(field('epochs', TRAIN_FIELDS), '1e300'), '--epochs: expected an integer >= 1, got 1e+300');
  throwsConfigError(() => parseFlag(field('hidden', VAE_FIELDS), '99999999999999999999'), '--hidden');
  throwsConfigError(() => resolveRunConfig([{ source: 'cfg.json', values: { data: { imageSize: 4096 } } }]), 'cfg.json (data): "imageSize": expected an integer from 1 to 1024, got 4096');
});

test('parseFlag parses integer lists, the empty list only where allowed', () => {
  const hidden = field('hidden', VAE_FIELDS);
  assert.deepEqual(parseFlag(hidden, '500,300'), [500, 300]);
  assert.deepEqual(parseFlag(hidden, '400'), [400]);
  assert.deepEqual(parseFlag(hidden, ' 64 , 32 '), [64, 32]);
  assert.deepEqual(parseFlag(hidden, ''), []);
  throwsConfigError(() => parseFlag(hidden, '500,,300'), '--hidden: expected a comma-separated list of integers >= 1 (may be empty)');
  throwsConfigError(() => parseFlag(hidden, '500,x'), '--hidden', '"x"');
  throwsConfigError(() => parseFlag(hidden, '500,0'), '--hidden', '[500,0]');
  throwsConfigError(() => parseFlag(hidden, '2.5'), '--hidden');
  const strict: FieldSpec = { key: 'sizes', flag: 'sizes', help: 'sizes', type: { type: 'int-list', min: 1 } };
  assert.deepEqual(parseFlag(strict, '3'), [3]);
  throwsConfigError(() => parseFlag(strict, ''), '--sizes: expected a comma-separated list of integers >= 1, got []');
});

test('parseFlag parses enums and strings and rejects a value outside the choices', () => {
  assert.equal(parseFlag(field('activation', VAE_FIELDS), 'tanh'), 'tanh');
  assert.equal(parseFlag(field('binarize', DATA_FIELDS), 'none'), 'none');
  throwsConfigError(() => parseFlag(field('activation', VAE_FIELDS), 'Tanh'), '--activation: expected one of linear, relu, tanh, sigmoid, elu, softplus, got "Tanh"');
  throwsConfigError(() => parseFlag(field('binarize', DATA_FIELDS), ''), '--binarize: expected one of none, dynamic, static, got ""');
  assert.equal(parseFlag(field('data', DATA_FIELDS), 'fashion-mnist'), 'fashion-mnist');
  assert.equal(parseFlag(field('data-dir', DATA_FIELDS), '/data/x'), '/data/x');
  assert.equal(parseFlag(field('data-dir', DATA_FIELDS), ''), null);
});

test('--val-size takes a count or auto', () => {
  const valSize = field('val-size', DATA_FIELDS);
  assert.equal(parseFlag(valSize, 'auto'), 'auto');
  assert.equal(parseFlag(valSize, '0'), 0);
  assert.equal(parseFlag(valSize, '500'), 500);
  throwsConfigError(() => parseFlag(valSize, 'Auto'), '--val-size: expected an integer >= 0 or auto, got "Auto"');
  throwsConfigError(() => parseFlag(valSize, '-1'), '--val-size: expected an integer >= 0 or auto, got -1');
  assert.equal(resolveRunConfig([{ source: 'c.json', values: { data: { valSize: 'auto' } } }]).data.valSize, 'auto');
  throwsConfigError(() => resolveRunConfig([{ source: 'c.json', values: { data: { valSize: 'all' } } }]), 'c.json (data): "valSize": expected an integer >= 0 or auto, got "all"');
  // Other integer fields take no auto.
  throwsConfigError(() => parseFlag(field('limit', DATA_FIELDS), 'auto'), '--limit: expected an integer >= 0, got "auto"');
});

test('flag names are unique within and across sections', () => {
  const flags = [...TRAIN_FIELDS, ...DATA_FIELDS, ...VAE_FIELDS].map((f) => f.flag);
  assert.deepEqual(flags.filter((f, i) => flags.indexOf(f) !== i), []);
});

// ---------------------------------------------------------------------------------------------------------------
// klWeight

test('klWeight ramps linearly from 0 to beta over warmupEpochs, then stays at beta', () => {
  const train: TrainConfig = { ...TRAIN_DEFAULTS, beta: 2, warmupEpochs: 4 };
  const cases: [number, number][] = [[0, 0], [0.5, 0.25], [1, 0.5], [2, 1], [3.2, 1.6], [4, 2], [5, 2], [100, 2]];
  for (const [epoch, expected] of cases) {
    assert.ok(Math.abs(klWeight(train, epoch) - expected) < 1e-12, `epoch ${epoch}: ${klWeight(train, epoch)} vs ${expected}`);
  }
  // Linear: equal steps in epoch give equal steps in weight.
  const w = [0, 1, 2, 3].map((e) => klWeight({ ...train, beta: 1, warmupEpochs: 3 }, e));
  assert.ok(Math.abs(w[1] - w[0] - (w[3] - w[2])) < 1e-12 && Math.abs(w[1] - 1 / 3) < 1e-12, `${w}`);
});

test('klWeight equals beta without warm-up', () => {
  for (const beta of [0, 0.5, 1, 4]) {
    for (const epoch of [0, 0.3, 7]) assert.equal(klWeight({ ...TRAIN_DEFAULTS, beta, warmupEpochs: 0 }, epoch), beta);
  }
  assert.equal(klWeight(TRAIN_DEFAULTS, 0), 1);
});

// ---------------------------------------------------------------------------------------------------------------
// config text

test('a JSON config may start with a UTF-8 byte-order mark', () => {
  assert.deepEqual(parseConfigText('\ufeff{"train": {"epochs": 3}}'), { train: { epochs: 3 } });
  assert.deepEqual(parseConfigText('{"train": {}}'), { train: {} });
  assert.throws(() => parseConfigText('\ufeff\ufeff{}'), SyntaxError);
});

test('a config nested too deep is a ConfigError naming its source, not a stack overflow', () => {
  const depth = 100_000;
  const deep = parseConfigText(`{"model": ${'['.repeat(depth)}${']'.repeat(depth)}}`) as Record<string, unknown>;
  throwsConfigError(() => resolveRunConfig([{ source: 'deep.json', values: deep }]), `deep.json: nested more than ${MAX_CONFIG_DEPTH} levels deep: expected "model", "train" and "data" sections of plain values`);
  const deepData = { data: { limit: JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`) } };
  throwsConfigError(() => resolveRunConfig([{ source: 'flags', values: deepData }]), `flags: nested more than ${MAX_CONFIG_DEPTH} levels deep`);
});
