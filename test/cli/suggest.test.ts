import { test } from 'node:test';
import assert from 'node:assert/strict';
import { didYouMean, editDistance, nearest } from '../../src/cli/suggest.js';

test('editDistance counts insertions, deletions, substitutions and swaps of neighbours', () => {
  assert.equal(editDistance('epochs', 'epochs'), 0);
  assert.equal(editDistance('epoch', 'epochs'), 1);
  assert.equal(editDistance('latnet', 'latent'), 1);
  assert.equal(editDistance('lr', 'beta'), 4);
  assert.equal(editDistance('', 'abc'), 3);
});

test('nearest offers the closest names only, and nothing for a far or very short guess', () => {
  const flags = ['epochs', 'lr', 'lr-steps', 'latent', 'k', 'seed', 'samples'];
  assert.deepEqual(nearest('epoch', flags), ['epochs']);
  assert.deepEqual(nearest('Epochs', flags), ['epochs']);
  assert.deepEqual(nearest('sample', flags), ['samples']);
  assert.deepEqual(nearest('frobnicate', flags), []);
  assert.deepEqual(nearest('v', flags), [], 'one letter is too short to guess from');
  assert.equal(didYouMean('epoch', flags, '--'), '; did you mean --epochs?');
  assert.equal(didYouMean('sed', ['seed', 'set'], '--'), '; did you mean --seed or --set?');
  assert.equal(didYouMean('frobnicate', flags), '');
});
