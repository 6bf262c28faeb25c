/**
 * `npm run bench`: vaekit against the PyTorch reference (bench/reference/vae.py) in one run, same model
 * (784-400-20 MLP VAE, Bernoulli decoder, Adam 1e-3, batch 128) on real MNIST.
 *   - training throughput (images/s), and the ratio vaekit / PyTorch
 *   - importance-sampled evaluation throughput (k = 5000), and the ratio
 *   - both trained 10 epochs on dynamically binarized MNIST: test negative ELBO side by side (skip: --quick)
 * PyTorch is used when `python3` (Debian's /usr/bin/python3 first) imports torch; else only vaekit's figures.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { resolveRunConfig } from '../src/config/run.js';
import { prepareTestData, prepareTrainingData } from '../src/data/prepare.js';
import { limit } from '../src/data/transforms.js';
import { evaluateLoss } from '../src/eval/elbo.js';
import { estimateLogLikelihood } from '../src/eval/loglik.js';
import { createRun, disposeRun } from '../src/io/run.js';
import { Vae } from '../src/models/vae.js';
import { initBackend } from '../src/node/backend.js';
import { loadDataset } from '../src/node/datasets.js';
import { initialTrainState } from '../src/train/state.js';
import { train } from '../src/train/trainer.js';

const quick = process.argv.includes('--quick');
const STEPS = 300;
const EVAL_K = 5000;
const EVAL_IMAGES = 20;

function findTorchPython(): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return null;
}

function reference(py: string, args: string[]): Record<string, number> {
  const out = execFileSync(py, ['bench/reference/vae.py', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

const fmt = (v: number, digits: number) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A table row; `ratio` is how many times better vaekit is (speed: ours / theirs; time: theirs / ours). */
function row(what: string, ours: string, theirs: string | undefined, ratio: number | string | undefined): string {
  const r = ratio === undefined ? '' : typeof ratio === 'number' ? `${ratio.toFixed(2)}x` : ratio;
  return `| ${what} | ${ours} | ${theirs ?? '-'} | ${r} |`;
}

const backend = await initBackend('wasm');
const py = findTorchPython();
console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; node ${process.version}; vaekit backend ${backend}`);
console.log(py ? `reference: PyTorch via ${py}` : 'reference: PyTorch not found (apt-get install -y python3-torch libopenblas0-openmp); vaekit figures only');
const loaded = await loadDataset({ data: 'mnist' });
const rows: string[] = [];

// Training throughput: the real training loop (batching, dynamic binarization, Adam) over 300 batches.
{
  const config = resolveRunConfig([{ source: 'bench', values: { train: { epochs: 1 }, data: { valSize: 0, limit: STEPS * 128 } } }]);
  const data = prepareTrainingData(loaded, config.data, 0);
  const warm = createRun(config, data.train.shape, initialTrainState());
  await train(warm.model, warm.optimizer, { train: limit(data.train, 20 * 128) }, config, warm.state);
  disposeRun(warm);
  const run = createRun(config, data.train.shape, initialTrainState());
  await train(run.model, run.optimizer, data, config, run.state);
  const ours = data.train.count / run.state.history[0].seconds;
  disposeRun(run);
  const theirs = py ? reference(py, ['--mode', 'throughput', '--steps', String(STEPS)]).images_per_sec : undefined;
  rows.push(row('training throughput (img/s)', fmt(ours, 0), theirs === undefined ? undefined : fmt(theirs, 0), theirs && ours / theirs));
}

// Evaluation throughput: the importance-weighted estimate with k = 5000 samples per image.
{
  const config = resolveRunConfig([]);
  const model = new Vae(config.model, 784, 0);
  const test = prepareTestData(limit(loaded.test, EVAL_IMAGES), config.data, 0);
  const t0 = performance.now();
  await estimateLogLikelihood(model, test, { k: EVAL_K });
  const ours = EVAL_IMAGES / ((performance.now() - t0) / 1000);
  model.dispose();
  const theirs = py ? reference(py, ['--mode', 'eval-throughput', '--k', String(EVAL_K), '--images', String(EVAL_IMAGES)]).images_per_sec : undefined;
  rows.push(row(`evaluation throughput, k=${EVAL_K} (img/s)`, fmt(ours, 1), theirs === undefined ? undefined : fmt(theirs, 1), theirs && ours / theirs));
}

// Quality: 10 epochs on all 60,000 dynamically binarized training images, test set binarized once.
if (!quick) {
  const config = resolveRunConfig([{ source: 'bench', values: { train: { epochs: 10 }, data: { valSize: 0 } } }]);
  const data = prepareTrainingData(loaded, config.data, 0);
  const run = createRun(config, data.train.shape, initialTrainState());
  const t0 = performance.now();
  await train(run.model, run.optimizer, data, config, run.state, {
    onStep: (s) => {
      if (s.batch === s.batches) process.stderr.write(`vaekit epoch ${s.epoch}: train loss ${s.running.total.toFixed(2)}\n`);
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const terms = evaluateLoss(run.model, prepareTestData(loaded.test, config.data, 0));
  disposeRun(run);
  const theirs = py ? reference(py, ['--mode', 'train', '--epochs', '10']) : undefined;
  const gap = theirs && `${terms.total - theirs.test_neg_elbo >= 0 ? '+' : ''}${fmt(terms.total - theirs.test_neg_elbo, 2)} nats`;
  rows.push(row('test -ELBO after 10 epochs (nats)', fmt(terms.total, 2), theirs && fmt(theirs.test_neg_elbo, 2), gap));
  rows.push(row('10-epoch training time (s)', fmt(seconds, 1), theirs && fmt(theirs.train_seconds, 1), theirs && theirs.train_seconds / seconds));
}

console.log('\n| measure | vaekit (wasm) | PyTorch | vaekit vs PyTorch |\n|---|--:|--:|--:|');
for (const r of rows) console.log(r);
