/**
 * The engine a Node run computes on, chosen once at start-up: the tfjs backend (vaekit's native backend first,
 * as `--backend auto` picks) and the native fast-path kernels where the addon loads.
 */
import { BackendChoice, fusedLoad, initBackend } from './backend.js';
import { EngineChoice, NativeLoad } from './native.js';

/**
 * A started engine, for what a run says about it: the tfjs backend in use and the hand-fused kernels start-up
 * chose (or why there are none). The computation reads the choice from where start-up made it
 * (src/fastpath/fused.ts), not from this.
 */
export interface Engine {
  /** The tfjs backend's name ('vaekit-native', 'wasm', ...). */
  backend: string;
  native: NativeLoad;
}

/** How to start the engine; every field defaults to the fastest available. */
export interface EngineOptions {
  /** The tfjs backend. Default 'auto': native where the addon loads, else tfjs-node if installed, else wasm. */
  backend?: BackendChoice;
  /** The fast-path kernels: 'auto' (default) where they load and the backend is not webgpu, 'native' insists, 'portable' declines. */
  engine?: EngineChoice;
  /** Threads of the native backend and kernels. Default: every core. */
  threads?: number;
}

/** Starts the engine (again, if already started: the backend is set as asked). */
export async function startEngine(opts: EngineOptions = {}): Promise<Engine> {
  const backend = await initBackend(opts.backend ?? 'auto', { threads: opts.threads, engine: opts.engine ?? 'auto' });
  return { backend, native: fusedLoad() };
}
