/** What `vaekit train` suggests when a run diverges: a lower --lr afresh, a learning-rate step when resumed. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildOnce, removeTempDirs, tempDir, transcript, vaekitInProcess } from './helpers.js';

before(() => buildOnce());
after(() => removeTempDirs());

const SMALL = ['--limit', '1000', '--val-size', '200', '--hidden', '32', '--latent', '2'];

test('a resumed run that diverges is not told to lower --lr, which it cannot change, but what it can', async () => {
  const cwd = tempDir();
  // Epoch 1 at 1e-3, then a step to 1e6: the second epoch diverges, after the resume.
  const first = await vaekitInProcess(['train', ...SMALL, '--epochs', '1', '--lr-steps', '1', '--lr-step-factor', '1e9', '--out', 'run'], cwd);
  assert.equal(first.code, 0, transcript(first));
  const resumed = await vaekitInProcess(['train', '--resume', '--out', 'run', '--epochs', '2'], cwd);
  assert.equal(resumed.code, 1, transcript(resumed));
  assert.match(resumed.stderr, /became .* at epoch 2/, transcript(resumed));
  assert.doesNotMatch(resumed.stderr, /Try a lower --lr/, transcript(resumed));
  assert.ok(resumed.stderr.includes('--lr cannot change on a resumed run; lower the rate from epoch 2 on with a learning-rate step (vaekit train --resume --out run --lr-steps 1 --lr-step-factor 0.1)'), transcript(resumed));
  // The suggestion is one the run takes.
  const followed = await vaekitInProcess(['train', '--resume', '--out', 'run', '--epochs', '2', '--lr-steps', '1', '--lr-step-factor', '0.1'], cwd);
  assert.equal(followed.code, 0, transcript(followed));
  assert.match(followed.stdout, /^epoch 2\/2 /m, transcript(followed));
});
