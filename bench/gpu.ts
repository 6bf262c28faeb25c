/**
 * Training throughput on a GPU through WebGPU (bench/gpu.sh runs it): the conv VAE on CIFAR-10 (vaekit's
 * defaults: channels 32,64,128, gaussian-learned decoder, batch 64) and the 784-400-20 MLP VAE on MNIST
 * (Bernoulli, batch 128), a fixed number of steps each, on `--backend webgpu` and on the native CPU backend
 * (and, for the MLP VAE, the native fused kernels), printed as images/s. One backend per process:
 *   node --import tsx bench/gpu.ts [--steps 100] [--backend webgpu|native] [--model conv|mlp]
 * Without --backend it runs itself once per backend and prints the table.
 */
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { resolveRunConfig } from '../src/config/run.js';
import { prepareTrainingData } from '../src/data/prepare.js';
import { createRun, disposeRun } from '../src/io/run.js';
import { describeBackend, initBackend } from '../src/node/backend.js';
import { loadDataset } from '../src/node/datasets.js';
import { trainModel } from '../src/train/train.js';
import { initialTrainState } from '../src/train/state.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const steps = Number(flag('steps', '100'));
const WARMUP = 5;

const MODELS = {
  conv: { data: 'cifar10', model: { kind: 'vae', net: 'conv', decoder: 'gaussian-learned' }, batchSize: 64 },
  mlp: { data: 'mnist', model: { kind: 'vae', hidden: [400], latentDim: 20 }, batchSize: 128 },
} as const;

/** Images per second of `steps` training steps after a warm-up (shader compilation, first allocations). */
async function measure(backend: 'webgpu' | 'native', which: keyof typeof MODELS, fused: boolean): Promise<number> {
  await initBackend(backend, { engine: fused ? 'native' : 'portable' });
  const spec = MODELS[which];
  const loaded = await loadDataset({ data: spec.data });
  const cfg = resolveRunConfig([{ source: 'bench', values: { model: spec.model, train: { batchSize: spec.batchSize, epochs: 1 }, data: { limit: (steps + WARMUP + 1) * spec.batchSize, valSize: 0 } } }]);
  const data = prepareTrainingData(loaded, cfg.data, 0);
  const run = createRun(cfg, data.train.shape, initialTrainState());
  let t0 = 0;
  const stop = () => run.state.step >= WARMUP + steps;
  await trainModel(run, data, { train: cfg.train, binarize: cfg.data.binarize === 'dynamic', events: {
    onStep: () => {
      if (run.state.step === WARMUP) {
        // Wait for the GPU's queue so the timed steps start from an idle device.
        tf.tidy(() => tf.sum(run.model.params.list()[0]).dataSync());
        t0 = performance.now();
      }
    },
    shouldStop: stop,
  } });
  const seconds = (performance.now() - t0) / 1000;
  disposeRun(run);
  return (steps * spec.batchSize) / seconds;
}

const one = flag('backend', '');
if (one) {
  const which = flag('model', 'mlp') as keyof typeof MODELS;
  const fused = args.includes('--fused');
  const rate = await measure(one as 'webgpu' | 'native', which, fused);
  console.log(JSON.stringify({ backend: describeBackend(), model: which, fused, imagesPerSec: rate }));
} else {
  const rows: string[] = [];
  for (const which of ['conv', 'mlp'] as const) {
    for (const [backend, fused] of [['webgpu', false], ['native', false], ...(which === 'mlp' ? [['native', true]] : [])] as [string, boolean][]) {
      try {
        const out = execFileSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--backend', backend, '--model', which, '--steps', String(steps), ...(fused ? ['--fused'] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
        const r = JSON.parse(out.trim().split('\n').at(-1)!) as { backend: string; imagesPerSec: number };
        rows.push(`| ${which === 'conv' ? 'conv VAE, CIFAR-10, batch 64' : 'MLP VAE 784-400-20, MNIST, batch 128'} | ${r.backend}${fused ? ', fused kernels' : ''} | ${r.imagesPerSec.toFixed(0)} |`);
      } catch (e) {
        rows.push(`| ${which} | ${backend} | failed: ${(e as Error).message.split('\n')[0]} |`);
      }
    }
  }
  console.log(`\n${steps} timed steps after ${WARMUP} of warm-up\n\n| model | where | images/s |\n|---|---|---|\n${rows.join('\n')}`);
}
