export const BACKENDS = ['auto', 'wasm', 'cpu', 'tensorflow'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

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

/**
 * Starts the numeric engine and returns the backend in use. `auto` takes @tensorflow/tfjs-node when the
 * user has installed it, else the wasm backend (XNNPACK with SIMD).
 */
export async function initBackend(choice: BackendChoice = 'auto'): Promise<string> {
  // Loaded here rather than on import: the command line reads BACKENDS for its flags and help, which must not
  // wait the second or two tfjs takes to load.
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  let name: string = choice;
  if (choice === 'auto') name = (await tryTfjsNode()) ? 'tensorflow' : 'wasm';
  else if (choice === 'tensorflow' && !(await tryTfjsNode())) {
    throw new Error('--backend tensorflow: @tensorflow/tfjs-node is not installed (npm install @tensorflow/tfjs-node), or it failed to load');
  }
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) throw new Error(`--backend ${choice}: the ${name} backend failed to start`);
  await tf.ready();
  return name;
}
