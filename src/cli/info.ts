import * as tf from '@tensorflow/tfjs';
import { describeBackend } from '../node/backend.js';
import { DEBIAN_FASHION_MNIST, mnistDataDir } from '../node/datasets.js';
import { existsSync } from 'node:fs';
import { MODEL_KINDS } from '../models/registry.js';
import { startBackend } from './common.js';
import { describeKernels, kernelsFor } from '../node/native.js';
import { ParsedCommand } from './flags.js';
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
  return 0;
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
