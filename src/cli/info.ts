import * as tf from '@tensorflow/tfjs';
import { describeBackend } from '../node/backend.js';
import { DEBIAN_FASHION_MNIST, mnistDataDir } from '../node/datasets.js';
import { existsSync } from 'node:fs';
import { MODEL_KINDS } from '../models/registry.js';
import { startBackend } from './common.js';
import { describeKernels, kernelsFor } from '../node/native.js';
import { ParsedCommand } from './flags.js';
import { DATA_DEFAULTS, DataConfig } from '../config/run.js';
import { decoderName } from '../node/imageDecode.js';
import { describeDataSet, storageText } from '../node/trainingData.js';
import { packageVersion } from './version.js';
import { adapterText, listGpuAdapters, webGpuAdapter } from '../node/webgpu.js';

export async function infoCommand(args: ParsedCommand, log: (s: string) => void): Promise<number> {
  const backend = await startBackend(args.flags);
  log(`vaekit ${packageVersion()}, node ${process.version}, tfjs ${tf.version.tfjs}`);
  log(`backend: ${describeBackend(backend)}`);
  log(`engine: ${describeKernels(kernelsFor('auto', backend))}`);
  log(`webgpu adapters: ${await adaptersText()}`);
  log(`model kinds: ${Object.values(MODEL_KINDS).map((m) => `${m.kind} (${m.description})`).join('; ')}`);
  let mnist = 'missing';
  try {
    mnist = mnistDataDir();
  } catch {
    /* reported as missing */
  }
  log(`data: mnist from ${mnist}; fashion-mnist ${existsSync(DEBIAN_FASHION_MNIST) ? `at ${DEBIAN_FASHION_MNIST}` : 'needs --data-dir'}; binarized-mnist needs --data-dir`);
  log(`image decoding: ${await decoderName()}`);
  if (args.flags.data !== undefined) await describeData(args, log);
  return 0;
}

/** How `--data` would be held for training: its splits, the bytes of its training images, in memory or streamed. */
async function describeData(args: ParsedCommand, log: (s: string) => void): Promise<void> {
  const f = args.flags;
  const dc = { ...DATA_DEFAULTS, ...Object.fromEntries(Object.entries({ stream: f.stream, limit: f.limit }).filter(([, v]) => v !== undefined)) } as DataConfig;
  const d = await describeDataSet({ data: f.data as string, dataDir: f['data-dir'] as string | undefined, imageSize: f['image-size'] as number | undefined, channels: f.channels as number | undefined }, dc);
  log(`data set: ${d.source}: ${d.train} training, ${d.test} test images of ${d.shape.join('x')}`);
  log(`data held for training: ${storageText(d.storage)}`);
}

/** The WebGPU adapters Dawn finds, which is in use, and which only `--backend webgpu` takes (software ones). */
async function adaptersText(): Promise<string> {
  const { adapters, notes } = await listGpuAdapters();
  const used = webGpuAdapter();
  const listed = adapters.map((a) => {
    const role = used && used.description === a.description && used.icd === a.icd ? 'in use' : a.software ? 'taken by --backend webgpu only' : 'taken by --backend auto or webgpu';
    return `${adapterText(a)}${a.icd ? ` through ${a.icd}` : ''} [${role}]`;
  });
  return `${listed.join('; ') || 'none'}${notes.length ? ` (${notes.join('; ')})` : ''}`;
}
