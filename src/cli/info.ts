import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { describeBackend } from '../node/backend.js';
import { DEBIAN_FASHION_MNIST, mnistDataDir } from '../node/datasets.js';
import { existsSync } from 'node:fs';
import { MODEL_KINDS } from '../models/registry.js';
import { BACKEND_FLAG, startBackend, THREADS_FLAG } from './common.js';
import { describeKernels, loadNativeKernels } from '../node/native.js';
import { CommandSpec, parseCommand } from './flags.js';

export const INFO_SPEC: CommandSpec = {
  name: 'info',
  summary: 'versions, the numeric engine in use, the model kinds and the data sets found',
  usage: 'vaekit info [--backend <name>] [--threads <n>]',
  flags: [BACKEND_FLAG, THREADS_FLAG],
};

export async function infoCommand(argv: string[], log: (s: string) => void): Promise<number> {
  const args = parseCommand(INFO_SPEC, argv);
  if (args.help) return -1;
  const version = (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;
  const backend = await startBackend(args.flags);
  log(`vaekit ${version}, node ${process.version}, tfjs ${tf.version.tfjs}`);
  log(`backend: ${describeBackend(backend)}`);
  log(`engine: ${describeKernels(loadNativeKernels())}`);
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
