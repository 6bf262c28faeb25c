import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { cpus } from 'node:os';
import { useFusedKernels } from '../fastpath/fused.js';
import type { BackendChoice } from './backendChoice.js';
import { EngineChoice, kernelsFor, loadNativeKernels, NativeLoad } from './native.js';
import { NATIVE_BACKEND, registerNativeBackend } from './nativeBackend.js';
import { adapterText, registerWebGpu, webGpuAdapter } from './webgpu.js';

export { BACKENDS, type BackendChoice } from './backendChoice.js';

/** How the engine starts. */
export interface BackendOptions {
  /** Threads of the native backend and kernels (OpenMP and OpenBLAS). Default: `defaultThreads()`. */
  threads?: number;
  /**
   * The hand-fused kernels of the models that offer a plan for them (src/fastpath/fused.ts): `native` insists
   * on them, `portable` declines them, `auto` takes them where the addon loads and the backend is not webgpu.
   * Default: left as they are (none, unless set before).
   */
  engine?: EngineChoice;
}

/** The hand-fused kernels the last start-up chose, or why there are none. */
let fused: NativeLoad = { kernels: null, reason: 'no engine chosen at start-up' };

/** The hand-fused kernels start-up chose (with `engine`), or why there are none: for the engine line of a log. */
export function fusedLoad(): NativeLoad {
  return fused;
}

/** tfjs-node is optional: its install downloads libtensorflow, which not every machine can. */
async function tryTfjsNode(): Promise<boolean> {
  try {
    const name = '@tensorflow/tfjs-node';
    await import(name);
    return true;
  } catch {
    return false;
  }
}

/** Why the native backend is not in use, when `auto` passed it over; null when it is, or was not asked. */
let nativeSkipped: string | null = null;

/**
 * Threads when none are asked for: OMP_NUM_THREADS where set (OpenMP's own variable, which the addon's loops
 * honour anyway; its first entry when it lists nested levels), else every core. Processes that share the
 * cores run far faster on one thread each: beside other busy processes on 2 cores, a run of 2 threads trained
 * at 240 img/s and 12.8 s of CPU, the same run on 1 thread at 5,800 img/s and 2.3 s (`npm test` sets 1).
 */
export function defaultThreads(env: NodeJS.ProcessEnv = process.env): number {
  const first = Number((env.OMP_NUM_THREADS ?? '').split(',')[0]);
  return Number.isInteger(first) && first >= 1 ? first : cpus().length;
}

/** The native backend registered on the addon, or why it cannot be; threads set as asked. */
function startNative(options: BackendOptions): NativeLoad {
  const load = loadNativeKernels();
  if (load.kernels) {
    registerNativeBackend(load.kernels.backend, load.kernels.adam);
    load.kernels.backend.setThreads(options.threads ?? defaultThreads());
  }
  return load;
}

/**
 * Starts the numeric engine and returns the backend in use. `auto` takes WebGPU on a hardware GPU adapter
 * (src/node/webgpu.ts; never a software one), else vaekit's native backend where the addon loads (native/,
 * built at npm install), else @tensorflow/tfjs-node when the user has installed it, else the wasm backend
 * (XNNPACK with SIMD, one thread). `webgpu` also takes Chromium's SwiftShader where no GPU answers. With
 * `engine`, also chooses the hand-fused kernels (`auto` takes none on webgpu).
 */
export async function initBackend(choice: BackendChoice = 'auto', options: BackendOptions = {}): Promise<string> {
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) throw new Error(`threads must be a positive integer, not ${options.threads}`);
  let name: string = choice;
  nativeSkipped = null;
  const gpu = choice === 'webgpu' || choice === 'auto' ? await registerWebGpu({ software: choice === 'webgpu' }) : null;
  if (choice === 'webgpu' && typeof gpu === 'string') throw new Error(`--backend webgpu: ${gpu}`);
  if (gpu !== null && typeof gpu !== 'string') {
    name = 'webgpu';
    // The hand-fused engines use the addon's threads on any backend.
    if (options.threads !== undefined) startNative(options);
  } else if (choice === 'native' || choice === 'auto') {
    const load = startNative(options);
    if (load.kernels) name = NATIVE_BACKEND;
    else if (choice === 'native') throw new Error(`--backend native: ${load.reason}; use --backend wasm (the same results, slower)`);
    else {
      nativeSkipped = load.reason;
      name = (await tryTfjsNode()) ? 'tensorflow' : 'wasm';
    }
  } else if (choice === 'tensorflow' && !(await tryTfjsNode())) {
    throw new Error('--backend tensorflow: @tensorflow/tfjs-node is not installed (npm install @tensorflow/tfjs-node), or it failed to load');
  } else if (options.threads !== undefined) {
    // The hand-fused engines use the addon's threads on any backend.
    startNative(options);
  }
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) throw new Error(`--backend ${choice}: the ${name} backend failed to start`);
  await tf.ready();
  if (options.engine !== undefined) {
    fused = kernelsFor(options.engine, name);
    useFusedKernels(fused.kernels);
  }
  return name;
}

const threadsText = (n: number) => `${n} thread${n === 1 ? '' : 's'}`;

/** One line about the backend in use, for `vaekit info` and training logs: what runs it, on how many threads. */
export function describeBackend(name = tf.getBackend()): string {
  if (name === NATIVE_BACKEND) {
    const load = loadNativeKernels();
    if (load.kernels) {
      const info = load.kernels.info();
      return `native (${info.blas.split(' ').slice(0, 2).join(' ')}, ${threadsText(load.kernels.backend.threads())}, ${info.parallel})`;
    }
  }
  const adapter = name === 'webgpu' ? webGpuAdapter() : null;
  if (adapter) return `webgpu on ${adapterText(adapter)}`;
  const detail = name === 'wasm' ? ` (SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'on' : 'off'}, 1 thread)` : '';
  return `${name}${detail}${nativeSkipped ? `; native backend unavailable: ${nativeSkipped}` : ''}`;
}
