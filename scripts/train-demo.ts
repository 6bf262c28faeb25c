/**
 * Trains the browser app's bundled demo model and writes it beside the app (web/public/demo/):
 *   vae-mnist-z2.ckpt   a VAE 784-256-2 on MNIST, weights only (no optimizer moments), < 2 MB
 *   test-codes.bin      the means of q(z|x) of the 10,000 test images with their labels (src/io/codes.ts)
 *   demo.json           what the files are and how they were made
 * Usage: node --import tsx scripts/train-demo.ts [--epochs 30]. With the native kernels one epoch takes a few
 * seconds; run it as `OMP_NUM_THREADS=1 nice -n 10 ...` on a shared machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { prepareTestData } from '../src/data/prepare.js';
import { evaluateLoss } from '../src/eval/elbo.js';
import { encodeCheckpoint } from '../src/io/checkpoint.js';
import { encodeCodes } from '../src/io/codes.js';
import { disposeRun, runFromCheckpoint, runToCheckpoint } from '../src/io/run.js';
import { isCodeModel } from '../src/models/types.js';
import { initBackend } from '../src/node/backend.js';
import { loadDataset } from '../src/node/datasets.js';
import { writeFileAtomic } from '../src/node/files.js';
import { loadCheckpoint } from '../src/node/runFiles.js';
import { encodeImages } from '../src/views/decode.js';
import { inOrder } from '../src/data/transforms.js';

const OUT = new URL('../web/public/demo/', import.meta.url).pathname;
const epochsFlag = process.argv.indexOf('--epochs');
const epochs = epochsFlag > 0 ? Number(process.argv[epochsFlag + 1]) : 30;
if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`--epochs: expected a positive integer, got ${process.argv[epochsFlag + 1]}`);

const trainArgs = ['train', '--latent', '2', '--hidden', '256', '--epochs', String(epochs), '--seed', '0'];
const runDir = mkdtempSync(join(tmpdir(), 'vaekit-demo-'));
try {
  const code = await main([...trainArgs, '--out', runDir, '--force']);
  if (code !== 0) throw new Error(`vaekit ${trainArgs.join(' ')} failed with exit code ${code}`);

  await initBackend('wasm');
  const ckptPath = join(runDir, 'best.ckpt');
  const run = runFromCheckpoint(loadCheckpoint(ckptPath), ckptPath);
  try {
    if (!isCodeModel(run.model)) throw new Error('the demo model has no encoder');
    const loaded = await loadDataset({ data: 'mnist' });
    const test = prepareTestData(loaded.test, run.config.data, 0);
    const elbo = evaluateLoss(run.model, test, { batchSize: 500, numSamples: 1, seed: 0 });
    // The scatter shows where the digits themselves go: grey levels, as the views encode them.
    const codes = encodeImages(run.model, loaded.test, inOrder(loaded.test.count));
    writeFileAtomic(join(OUT, 'vae-mnist-z2.ckpt'), encodeCheckpoint(runToCheckpoint(run, { weightsOnly: true })));
    writeFileAtomic(join(OUT, 'test-codes.bin'), encodeCodes({ codes, latentDim: 2, labels: loaded.test.labels }));
    const info = {
      checkpoint: 'vae-mnist-z2.ckpt',
      codes: 'test-codes.bin',
      description: `VAE 784-256-2 (ReLU, Bernoulli decoder) on MNIST, ${run.state.epoch} epochs, best epoch ${run.state.best?.epoch}`,
      made: `node --import tsx scripts/train-demo.ts --epochs ${epochs} (vaekit ${trainArgs.join(' ')})`,
      testNegElbo: Number(elbo.total.toFixed(2)),
      parameters: run.model.params.count(),
    };
    writeFileAtomic(join(OUT, 'demo.json'), JSON.stringify(info, null, 2) + '\n');
    console.log(JSON.stringify(info, null, 2));
  } finally {
    disposeRun(run);
  }
} finally {
  rmSync(runDir, { recursive: true, force: true });
}
