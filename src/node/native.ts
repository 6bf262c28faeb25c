import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kernels } from '../fastpath/kernels.js';
import { BackendKernels } from './nativeBackend.js';

/** The directory holding vaekit's package.json, from src/node or dist/src/node alike. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Where `npm install` builds the native kernels (scripts/build-native.mjs). */
export const NATIVE_ADDON_PATH = join(packageRoot(), 'build', 'vaekit-native.node');

export const ENGINES = ['auto', 'native', 'portable'] as const;
export type EngineChoice = (typeof ENGINES)[number];

/** The kernels of the fast path (with the native tfjs backend's as `backend`), or why there are none. */
export type NativeLoad = { kernels: Kernels & { backend: BackendKernels }; reason: null } | { kernels: null; reason: string };

const BACKEND_FUNCTIONS: (keyof BackendKernels)[] = ['matMul', 'conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'unary', 'binary', 'reduce', 'transpose', 'copyBox', 'fill', 'setThreads', 'threads'];

const FUNCTIONS: (keyof Kernels)[] = ['gemm', 'biasActivation', 'activationGrad', 'columnSums', 'adam', 'gaussianHead', 'gaussianHeadGrad', 'logLikelihood', 'importanceCorrection', 'bernoulliInPlace', 'fillNormal', 'info'];

/**
 * Loads the native kernels. Optional by design: where the addon was not built (no compiler or OpenBLAS at
 * install time) or fails to load, the answer says why and vaekit runs the portable tfjs path.
 * VAEKIT_NATIVE=0 turns it off; VAEKIT_NATIVE_PATH points at another build.
 */
export function loadNativeKernels(path = process.env.VAEKIT_NATIVE_PATH ?? NATIVE_ADDON_PATH): NativeLoad {
  if (process.env.VAEKIT_NATIVE === '0') return { kernels: null, reason: 'turned off by VAEKIT_NATIVE=0' };
  if (!existsSync(path)) return { kernels: null, reason: `${path} was not built (needs g++ and libopenblas0-openmp at npm install; see npm run build:native)` };
  // OpenMP threads that spin while waiting starve everything else on a busy machine: beside two other busy
  // processes on 2 cores, spinning trained at 1,200 img/s and sleeping at 14,300. libgomp reads this when
  // the addon loads it; a user's own OMP_WAIT_POLICY or GOMP_SPINCOUNT wins.
  if (process.env.OMP_WAIT_POLICY === undefined && process.env.GOMP_SPINCOUNT === undefined) process.env.OMP_WAIT_POLICY = 'PASSIVE';
  try {
    const addon = createRequire(import.meta.url)(path) as Partial<Kernels> & { backend?: Partial<BackendKernels> };
    const missing: string[] = FUNCTIONS.filter((f) => typeof addon[f] !== 'function');
    missing.push(...BACKEND_FUNCTIONS.filter((f) => typeof addon.backend?.[f] !== 'function').map((f) => `backend.${f}`));
    if (missing.length > 0) return { kernels: null, reason: `${path} lacks ${missing.join(', ')} (stale build? run npm run build:native)` };
    return { kernels: addon as Kernels & { backend: BackendKernels }, reason: null };
  } catch (e) {
    return { kernels: null, reason: `${path} failed to load: ${(e as Error).message.split('\n')[0]}` };
  }
}

/**
 * The kernels an engine choice asks for on the tfjs backend `backend`: `native` insists, `portable` declines,
 * `auto` takes what loads, except on a GPU backend: the kernels are CPU code, so there `auto` leaves every
 * model to the backend.
 */
export function kernelsFor(choice: EngineChoice, backend?: string): NativeLoad {
  if (choice === 'portable') return { kernels: null, reason: 'portable engine chosen' };
  if (choice === 'auto' && backend === 'webgpu') return { kernels: null, reason: 'on the webgpu backend --engine auto runs every model there (--engine native puts MLP VAEs and M2 on the CPU kernels)' };
  const load = loadNativeKernels();
  if (choice === 'native' && !load.kernels) throw new Error(`--engine native: ${load.reason}`);
  return load;
}

/** One line about the path in use, for logs and `vaekit info`. */
export function describeKernels(load: NativeLoad): string {
  if (!load.kernels) return `portable (tfjs); native kernels unavailable: ${load.reason}`;
  const info = load.kernels.info();
  return `native (${info.blas.split(' ').slice(0, 2).join(' ')}, ${info.threads} thread${info.threads === 1 ? "" : "s"}, ${info.parallel})`;
}
