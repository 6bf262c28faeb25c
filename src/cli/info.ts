import * as tf from '@tensorflow/tfjs';
import { BackendChoice, initBackend } from '../node/backend.js';
import { DEBIAN_FASHION_MNIST, mnistDataDir } from '../node/datasets.js';
import { existsSync } from 'node:fs';
import { MODEL_KINDS } from '../models/registry.js';
import { describeKernels, loadNativeKernels } from '../node/native.js';
import { ParsedCommand } from './flags.js';
import { packageVersion } from './version.js';

export async function infoCommand(args: ParsedCommand, log: (s: string) => void): Promise<number> {
  const backend = await initBackend((args.flags.backend as BackendChoice | undefined) ?? 'auto');
  log(`vaekit ${packageVersion()}, node ${process.version}, tfjs ${tf.version.tfjs}`);
  log(`backend: ${backend}${backend === 'wasm' ? ` (SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'on' : 'off'}, 1 thread)` : ''}`);
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
