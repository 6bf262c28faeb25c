/**
 * `npm run bench`: vaekit against the PyTorch references (bench/reference/) in one run.
 *   - one row per model kind and network (conv VAE on CIFAR-10, aae, ae, cvae, dae, cae exact and stochastic,
 *     m2 and m1m2's second stage through tfjs ops, the Burda IWAE K = 5 through tfjs ops and on the fused native
 *     engine, the VampPrior VAE on the fused engine, and the MLP VAE through tfjs ops): training throughput on
 *     vaekit's native tfjs backend (or fused engine) and on wasm against PyTorch (kinds.py) of the same
 *     shape, with a per-kernel time profile of a few native steps of each (`--kinds-only`: only these; `--rows TEXT`:
 *     only the rows whose description contains TEXT)
 * and for the 784-400-20 MLP VAE (Bernoulli decoder, Adam 1e-3, batch 128) on real MNIST, bench/reference/vae.py:
 *   - training throughput (images/s) of vaekit's native fast path, its portable path (tfjs + wasm) and
 *     PyTorch (plain, and with glibc's malloc thresholds raised), with the ratios
 *   - importance-sampled evaluation throughput (k = 5000), the same way
 *   - M2 (Kingma et al. 2014) training throughput against bench/reference/m2.py, the same way
 *   - native vaekit and plain PyTorch trained 10 epochs on dynamically binarized MNIST: test negative ELBO
 *     side by side, and the time taken (skip: --quick)
 * PyTorch is used when `python3` (Debian's /usr/bin/python3 first) imports torch; else only vaekit's figures.
 */
import * as tf from '@tensorflow/tfjs';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { resolveRunConfig, RunConfig } from '../src/config/run.js';
import { prepareTestData, prepareTrainingData } from '../src/data/prepare.js';
import { limit } from '../src/data/transforms.js';
import { evaluateLoss } from '../src/eval/elbo.js';
import { estimateLogLikelihood } from '../src/eval/loglik.js';
import { Kernels } from '../src/fastpath/kernels.js';
import { createRun, disposeRun, Run } from '../src/io/run.js';
import { Vae, VaeConfig } from '../src/models/vae.js';
import { describeBackend, initBackend } from '../src/node/backend.js';
import { loadDataset } from '../src/node/datasets.js';
import { describeKernels, loadNativeKernels } from '../src/node/native.js';
import { initialTrainState } from '../src/train/state.js';
import { trainModel, TrainData } from '../src/train/train.js';
import { TrainEvents } from '../src/train/events.js';
import { useFusedKernels } from '../src/fastpath/fused.js';

const quick = process.argv.includes('--quick');
const kindsOnly = process.argv.includes('--kinds-only');
/** `--rows TEXT`: only the per-kind rows whose description contains TEXT (e.g. `--rows cae`). */
const rowsFilter = process.argv.includes('--rows') ? process.argv[process.argv.indexOf('--rows') + 1] ?? '' : '';
const STEPS = 300;
/** M2 steps timed on the native path and in PyTorch (the portable path takes 10: it is ~10x slower). */
const M2_STEPS = 60;
const EVAL_K = 5000;
/** Images scored per evaluation measurement: the portable path is ~10x slower, so it scores fewer. */
const EVAL_IMAGES = { native: 100, portable: 20, pytorch: 100 };

function findTorchPython(): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return null;
}

/**
 * The last line of a reference script's output, as JSON. PyTorch's OpenMP threads spin while they wait: beside
 * other busy processes that collapses its speed, so it runs with OMP_WAIT_POLICY=PASSIVE unless the caller's
 * environment sets it, or `ompDefault` asks for OpenMP's own default (the variable unset).
 */
function referenceScript(py: string, script: string, args: string[], ompDefault = false): Record<string, number> {
  const env = { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' };
  if (ompDefault) delete (env as Record<string, string | undefined>).OMP_WAIT_POLICY;
  const out = execFileSync(py, [`bench/reference/${script}`, ...args], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

function haveNativeBackendText(): string {
  return native.kernels ? describeBackend('native') : `unavailable (${native.reason})`;
}

function reference(py: string, args: string[]): Record<string, number> {
  return referenceScript(py, 'vae.py', args);
}

const fmt = (v: number, digits: number) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ratio = (ours: number | undefined, theirs: number | undefined) => (ours && theirs ? `${(ours / theirs).toFixed(2)}x` : '-');

const backend = await initBackend('wasm');
const native = loadNativeKernels();
const py = findTorchPython();
console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; node ${process.version}`);
console.log(`vaekit native: ${describeKernels(native)}; vaekit portable: tfjs ${backend}`);
console.log(py ? `reference: PyTorch via ${py}` : 'reference: PyTorch not found (apt-get install -y python3-torch libopenblas0-openmp); vaekit figures only');
const loaded = await loadDataset({ data: 'mnist' });
const engines: { name: 'native' | 'portable'; kernels: Kernels | null }[] = [
  ...(native.kernels ? [{ name: 'native' as const, kernels: native.kernels }] : []),
  { name: 'portable', kernels: null },
];

/** Trains a run as the CLI does, on the hand-fused `kernels` (null: tfjs alone) as start-up would choose them. */
async function trainOn(run: Run, data: TrainData, config: RunConfig, events: TrainEvents, kernels: Kernels | null): Promise<void> {
  useFusedKernels(kernels);
  try {
    await trainModel(run, data, { train: config.train, binarize: config.data.binarize === 'dynamic', events });
  } finally {
    useFusedKernels(null);
  }
}

/** One table row: vaekit native, vaekit portable, PyTorch plain and malloc-tuned, and the ratios to plain PyTorch. */
function throughputRow(what: string, digits: number, ours: Record<string, number>, plain?: number, tuned?: number): string {
  const cell = (v: number | undefined) => (v === undefined ? '-' : fmt(v, digits));
  return `| ${what} | ${cell(ours.native)} | ${cell(ours.portable)} | ${cell(plain)} | ${cell(tuned)} | ${ratio(ours.native, plain)} | ${ratio(ours.portable, plain)} | ${ratio(ours.native, tuned)} |`;
}
const rows: string[] = [];


/** A row of the per-kind table: a vaekit config and the PyTorch reference of the same shape. */
interface KindRow {
  what: string;
  data: 'mnist' | 'cifar10';
  model: Record<string, unknown>;
  batch: number;
  /** Labelled images of a semi-supervised kind (its default 100): outside the epoch's batches of `batch` images. */
  labelled?: number;
  /** Training settings beyond the batch size (e.g. the IWAE's objective and K). Default none. */
  train?: Record<string, unknown>;
  /** Timed steps on the native backend and in PyTorch; wasm takes a third as many (at least 4). */
  steps: number;
  /** Timed on the native engine (the hand-fused kernels) where the addon loaded, not through tfjs ops. Default false. */
  fused?: boolean;
  reference: (py: string, steps: number, ompDefault?: boolean) => number;
}

const kindReference = (kind: string) => (py: string, steps: number, ompDefault = false) =>
  referenceScript(py, 'kinds.py', ['--kind', kind, '--steps', String(steps), '--threads', String(cpus().length)], ompDefault).images_per_sec;

/** The IWAE of Burda et al. 2016 (the burda-iwae-k5 preset), timed through tfjs ops and on the fused engine. */
const BURDA_IWAE_TEXT = 'vae, MLP 784-200-200-50 tanh, IWAE K = 5, batch 20 (--preset burda-iwae-k5)';
const BURDA_IWAE = {
  data: 'mnist',
  model: { kind: 'vae', hidden: [200, 200], latentDim: 50, activation: 'tanh' },
  train: { objective: 'iwae', numSamples: 5, adamEpsilon: 1e-4 },
  batch: 20,
  reference: kindReference('iwae'),
} as const;

const KIND_ROWS: KindRow[] = [
  {
    what: 'vae, conv, CIFAR-10 (--net conv --conv-channels 32,64,128 --hidden \'\' --latent 128 --decoder gaussian-learned --min-log-var -9 --batch-size 64)',
    data: 'cifar10',
    model: { kind: 'vae', net: 'conv', channels: [32, 64, 128], hidden: [], latentDim: 128, decoder: 'gaussian-learned', minLogVar: -9 },
    batch: 64,
    steps: 24,
    reference: kindReference('conv-vae'),
  },
  { what: 'aae, MLP, --latent 2 (784-400-2, discriminator 2-256-256-1, three Adam steps per batch)', data: 'mnist', model: { kind: 'aae', latentDim: 2 }, batch: 128, steps: 60, reference: kindReference('aae') },
  { what: 'ae, MLP 784-400-20', data: 'mnist', model: { kind: 'ae' }, batch: 128, steps: 100, reference: kindReference('ae') },
  { what: 'cvae, MLP 794-400-20 / 30-400-784', data: 'mnist', model: { kind: 'cvae' }, batch: 128, steps: 100, reference: kindReference('cvae') },
  { what: 'dae, MLP 784-400-20, masking noise 0.25', data: 'mnist', model: { kind: 'dae' }, batch: 128, steps: 100, reference: kindReference('dae') },
  { what: 'cae, MLP 784-400-20, exact penalty (--contractive exact)', data: 'mnist', model: { kind: 'cae', contractive: 'exact' }, batch: 128, steps: 100, reference: kindReference('cae-exact') },
  { what: 'cae, MLP 784-400-20, stochastic penalty (--contractive stochastic)', data: 'mnist', model: { kind: 'cae', contractive: 'stochastic' }, batch: 128, steps: 100, reference: kindReference('cae-stochastic') },
  {
    what: 'm2, MLP, 100 labels, through tfjs ops (--engine portable; the fused engine is below; unlabelled img/s)',
    data: 'mnist',
    model: { kind: 'm2' },
    batch: 128,
    labelled: 100,
    steps: 30,
    reference: kindReference('m2'),
  },
  {
    what: "m1m2, second stage (M2 on M1's 50-d features, gaussian-learned; unlabelled img/s)",
    data: 'mnist',
    model: { kind: 'm1m2', m1Epochs: 0 },
    batch: 128,
    labelled: 100,
    steps: 60,
    reference: kindReference('m1m2'),
  },
  { ...BURDA_IWAE, what: `${BURDA_IWAE_TEXT}, through tfjs ops`, steps: 300 },
  { ...BURDA_IWAE, what: `${BURDA_IWAE_TEXT}, on the fused native engine`, steps: 600, fused: true },
  {
    what: 'vae, MLP 784-300-300-40, VampPrior K = 500 (--prior vamp), batch 100, on the fused native engine',
    data: 'mnist',
    model: { kind: 'vae', hidden: [300, 300], latentDim: 40, prior: 'vamp', pseudoInputs: 500 },
    batch: 100,
    steps: 40,
    fused: true,
    reference: kindReference('vamp'),
  },
  {
    what: 'vae, MLP 784-400-20, through tfjs ops (--engine portable; the fused engine is below)',
    data: 'mnist',
    model: { kind: 'vae' },
    batch: 128,
    steps: 100,
    reference: (py, steps, ompDefault) => referenceScript(py, 'vae.py', ['--mode', 'throughput', '--steps', String(steps)], ompDefault).images_per_sec,
  },
];

/** A row's run config for `steps` full batches (label kinds: plus their labelled images, kept out of the epoch). */
function rowConfig(row: KindRow, steps: number) {
  const labelled = row.labelled ?? 0;
  return resolveRunConfig([{ source: 'bench', values: { model: row.model, train: { ...row.train, epochs: 1, batchSize: row.batch }, data: { data: row.data, valSize: 0, limit: steps * row.batch + labelled } } }]);
}

/** Images per second of `steps` training steps of a row on the backend in use (after a short warm-up). */
async function kindThroughput(row: KindRow, loadedData: Awaited<ReturnType<typeof loadDataset>>, steps: number, kernels: Kernels | null = null): Promise<number> {
  const config = rowConfig(row, steps);
  const data = prepareTrainingData(loadedData, config.data, 0);
  const warm = createRun(config, data.train.shape, initialTrainState());
  await trainOn(warm, { train: limit(data.train, 3 * row.batch) }, config, {}, kernels);
  disposeRun(warm);
  const run = createRun(config, data.train.shape, initialTrainState());
  await trainOn(run, { train: data.train }, config, {}, kernels);
  const seconds = run.state.history[0].seconds;
  const images = run.state.step * row.batch;
  disposeRun(run);
  return images / seconds;
}

/** Milliseconds per kernel name over `steps` training steps of a row on the backend in use (tf.profile). */
async function kernelProfile(row: KindRow, loadedData: Awaited<ReturnType<typeof loadDataset>>, steps: number): Promise<Map<string, { ms: number; calls: number }>> {
  const config = rowConfig(row, steps);
  const data = prepareTrainingData(loadedData, config.data, 0);
  const run = createRun(config, data.train.shape, initialTrainState());
  const info = await tf.profile(async () => {
    await trainOn(run, { train: data.train }, config, {}, null);
  });
  disposeRun(run);
  const by = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    // Scopes (customGrad, ops made of ops) enclose kernels counted on their own.
    if (k.name === 'unnamed scope' || k.name.endsWith('__op')) continue;
    const e = by.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += k.kernelTimeMs as number;
    e.calls += 1;
    by.set(k.name, e);
  }
  return by;
}

// One row per model kind: vaekit on its native backend and on wasm, against PyTorch, in this run.
const kindTable: string[] = [];
const profiles: string[] = [];
{
  const byData = new Map<string, Awaited<ReturnType<typeof loadDataset>>>();
  const haveNative = native.kernels !== null;
  for (const row of KIND_ROWS.filter((r) => r.what.includes(rowsFilter))) {
    if (!byData.has(row.data)) byData.set(row.data, row.data === 'mnist' ? loaded : await loadDataset({ data: row.data }));
    const dataOf = byData.get(row.data)!;
    const ours: Record<string, number> = {};
    if (haveNative) {
      await initBackend('native');
      ours.native = await kindThroughput(row, dataOf, row.steps, row.fused ? native.kernels : null);
    }
    if (haveNative && !row.fused) {
      const by = await kernelProfile(row, dataOf, 3);
      const total = [...by.values()].reduce((a, e) => a + e.ms, 0);
      profiles.push(`\n${row.what}: ${fmt(total / 3, 1)} ms of kernels per step on the native backend (tf.profile, 3 steps)\n\n| kernel | ms per step | calls per step | share |\n|---|--:|--:|--:|`);
      for (const [name, e] of [...by].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) {
        profiles.push(`| ${name} | ${fmt(e.ms / 3, 2)} | ${fmt(e.calls / 3, 0)} | ${(100 * e.ms / total).toFixed(1)}% |`);
      }
    }
    await initBackend('wasm');
    ours.wasm = await kindThroughput(row, dataOf, Math.max(4, Math.round(row.steps / 3)));
    const theirs = py ? row.reference(py, row.steps) : undefined;
    const theirsSpinning = py ? row.reference(py, row.steps, true) : undefined;
    const cell = (v: number | undefined) => (v === undefined ? '-' : fmt(v, 0));
    kindTable.push(`| ${row.what} | ${cell(ours.native)} | ${cell(ours.wasm)} | ${cell(theirs)} | ${cell(theirsSpinning)} | ${ratio(ours.native, theirs)} | ${ratio(ours.native, theirsSpinning)} | ${ratio(ours.wasm, theirs)} |`);
    process.stderr.write(`${kindTable.at(-1)}\n`);
  }
  await initBackend('wasm');
}

// Training throughput: the real training loop (batching, dynamic binarization, Adam) over 300 batches.
if (!kindsOnly) {
  const config = resolveRunConfig([{ source: 'bench', values: { train: { epochs: 1 }, data: { valSize: 0, limit: STEPS * 128 } } }]);
  const data = prepareTrainingData(loaded, config.data, 0);
  const ours: Record<string, number> = {};
  for (const { name, kernels } of engines) {
    const warm = createRun(config, data.train.shape, initialTrainState());
    await trainOn(warm, { train: limit(data.train, 20 * 128) }, config, {}, kernels);
    disposeRun(warm);
    const run = createRun(config, data.train.shape, initialTrainState());
    await trainOn(run, data, config, {}, kernels);
    ours[name] = data.train.count / run.state.history[0].seconds;
    disposeRun(run);
  }
  const plain = py ? reference(py, ['--mode', 'throughput', '--steps', String(STEPS)]).images_per_sec : undefined;
  const tuned = py ? reference(py, ['--mode', 'throughput', '--steps', String(STEPS), '--tune-malloc']).images_per_sec : undefined;
  rows.push(throughputRow('training throughput (img/s)', 0, ours, plain, tuned));
}

// Evaluation throughput: the importance-weighted estimate with k = 5000 samples per image.
if (!kindsOnly) {
  const config = resolveRunConfig([]);
  const model = new Vae(config.model as VaeConfig, 784, 0);
  const ours: Record<string, number> = {};
  for (const { name, kernels } of engines) {
    const test = prepareTestData(limit(loaded.test, EVAL_IMAGES[name]), config.data, 0);
    const t0 = performance.now();
    useFusedKernels(kernels);
    await estimateLogLikelihood(model, test, { k: EVAL_K });
    useFusedKernels(null);
    ours[name] = test.count / ((performance.now() - t0) / 1000);
  }
  model.dispose();
  const args = ['--mode', 'eval-throughput', '--k', String(EVAL_K), '--images', String(EVAL_IMAGES.pytorch)];
  const plain = py ? reference(py, args).images_per_sec : undefined;
  const tuned = py ? reference(py, [...args, '--tune-malloc']).images_per_sec : undefined;
  rows.push(throughputRow(`evaluation throughput, k=${EVAL_K} (img/s)`, 1, ours, plain, tuned));
}

// M2 training throughput (Kingma et al. 2014; bench/reference/m2.py): unlabelled images per second, every
// step with 128 unlabelled images (each decoded once per label) and the 100 labelled ones.
if (!kindsOnly) {
  const stepsOf = { native: M2_STEPS, portable: 10 };
  const ours: Record<string, number> = {};
  for (const { name, kernels } of engines) {
    const config = resolveRunConfig([{ source: 'bench', values: { model: { kind: 'm2' }, train: { epochs: 1 }, data: { valSize: 0, limit: stepsOf[name] * 128 + 100 } } }]);
    const data = prepareTrainingData(loaded, config.data, 0);
    const run = createRun(config, data.train.shape, initialTrainState());
    await trainOn(run, data, config, {}, kernels);
    ours[name] = (data.train.count - 100) / run.state.history[0].seconds;
    disposeRun(run);
  }
  const args = ['--steps', String(M2_STEPS)];
  const plain = py ? referenceScript(py, 'm2.py', args).images_per_sec : undefined;
  const tuned = py ? referenceScript(py, 'm2.py', [...args, '--tune-malloc']).images_per_sec : undefined;
  rows.push(throughputRow('M2 training throughput, 100 labels (unlabelled img/s)', 0, ours, plain, tuned));
}

// Quality: 10 epochs on all 60,000 dynamically binarized training images, test set binarized once.
const quality: string[] = [];
if (!quick && !kindsOnly) {
  const config = resolveRunConfig([{ source: 'bench', values: { train: { epochs: 10 }, data: { valSize: 0 } } }]);
  const data = prepareTrainingData(loaded, config.data, 0);
  const run = createRun(config, data.train.shape, initialTrainState());
  const t0 = performance.now();
  await trainOn(run, data, config, {
    onStep: (s) => {
      if (s.batch === s.batches) process.stderr.write(`vaekit epoch ${s.epoch}: train loss ${s.running.total.toFixed(2)}\n`);
    },
  }, native.kernels);
  const seconds = (performance.now() - t0) / 1000;
  const terms = evaluateLoss(run.model, prepareTestData(loaded.test, config.data, 0));
  disposeRun(run);
  const theirs = py ? reference(py, ['--mode', 'train', '--epochs', '10']) : undefined;
  const gap = theirs ? `${terms.total - theirs.test_neg_elbo >= 0 ? '+' : ''}${fmt(terms.total - theirs.test_neg_elbo, 2)} nats` : '-';
  const engine = native.kernels ? 'native' : 'portable';
  quality.push(`| test -ELBO after 10 epochs (nats) | ${fmt(terms.total, 2)} (${engine}) | ${theirs ? fmt(theirs.test_neg_elbo, 2) : '-'} | ${gap} |`);
  quality.push(`| 10-epoch training time (s) | ${fmt(seconds, 1)} (${engine}) | ${theirs ? fmt(theirs.train_seconds, 1) : '-'} | ${theirs ? `${(theirs.train_seconds / seconds).toFixed(2)}x faster` : '-'} |`);
}

const passive = `OMP_WAIT_POLICY=${process.env.OMP_WAIT_POLICY ?? 'PASSIVE'}`;
console.log(`\nTraining throughput per model kind (images/s; PyTorch ${py ? `${cpus().length} threads, with ${passive} and with OpenMP's default wait policy` : 'not found'}; vaekit native: ${haveNativeBackendText()})`);
console.log(`\n| model | vaekit native backend | vaekit wasm | PyTorch, ${passive} | PyTorch, OpenMP default | native / PyTorch (${passive}) | native / PyTorch (default) | wasm / PyTorch (${passive}) |\n|---|--:|--:|--:|--:|--:|--:|--:|`);
for (const r of kindTable) console.log(r);
console.log('\nWhere the native backend spends a step:');
for (const r of profiles) console.log(r);
if (kindsOnly) process.exit(0);

console.log('\n| measure | vaekit native | vaekit portable | PyTorch | PyTorch, malloc tuned | native / PyTorch | portable / PyTorch | native / tuned PyTorch |');
console.log('|---|--:|--:|--:|--:|--:|--:|--:|');
for (const r of rows) console.log(r);
if (quality.length > 0) {
  console.log('\n| measure | vaekit | PyTorch | vaekit vs PyTorch |\n|---|--:|--:|--:|');
  for (const r of quality) console.log(r);
}
