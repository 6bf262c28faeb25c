/**
 * Picks the fastest tfjs backend this browser offers: WebGPU, then WebGL on a real GPU, then WebAssembly
 * (SIMD, threads where the page is cross-origin isolated), then plain JavaScript. A GPU drawn in software
 * (SwiftShader, llvmpipe, a fallback WebGPU adapter) is skipped: there wasm is faster. `?backend=<name>`
 * forces one, software or not.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The backend in use and a line describing it for the page. */
export interface BackendInfo {
  name: BackendName;
  description: string;
}

interface GpuAdapterInfo {
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter?: boolean;
}

interface GpuNavigator {
  gpu?: { requestAdapter(): Promise<{ info?: GpuAdapterInfo; isFallbackAdapter?: boolean } | null> };
}

const SOFTWARE_GL = /swiftshader|llvmpipe|software|softpipe/i;

/** The WebGPU adapter tfjs would take (it asks for the default one), or null where there is none. */
async function webgpuAdapter(): Promise<GpuAdapterInfo | null> {
  const gpu = (navigator as GpuNavigator).gpu;
  if (!gpu) return null;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return null;
    // GPUAdapterInfo's fields are getters: copied one by one.
    const info = adapter.info;
    return { vendor: info?.vendor ?? '', architecture: info?.architecture ?? '', description: info?.description ?? '', isFallbackAdapter: Boolean(info?.isFallbackAdapter ?? adapter.isFallbackAdapter) };
  } catch {
    return null;
  }
}

const isSoftwareAdapter = (a: GpuAdapterInfo) => Boolean(a.isFallbackAdapter) || SOFTWARE_GL.test(`${a.vendor} ${a.architecture} ${a.description}`);

/** "SwiftShader driver 5.0.0 (google swiftshader)", or the vendor and architecture where the driver gives no description. */
function adapterName(a: GpuAdapterInfo): string {
  const detail = [a.vendor, a.architecture].filter(Boolean).join(' ');
  return a.description ? `${a.description}${detail ? ` (${detail})` : ''}` : detail || 'unnamed adapter';
}

let adapterInUse: GpuAdapterInfo | null = null;

/** The WebGL renderer's name, or null when no WebGL 2 context can be made. */
function webglRenderer(): string | null {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return null;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return name;
}

async function candidates(): Promise<BackendName[]> {
  const out: BackendName[] = [];
  adapterInUse = await webgpuAdapter();
  if (adapterInUse && !isSoftwareAdapter(adapterInUse)) {
    await import('@tensorflow/tfjs-backend-webgpu');
    out.push('webgpu');
  }
  const renderer = webglRenderer();
  if (renderer !== null && !SOFTWARE_GL.test(renderer)) out.push('webgl');
  out.push('wasm', 'cpu');
  return out;
}

function describe(name: BackendName): string {
  if (name === 'wasm') {
    const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? getThreadsCount() : 1;
    return `wasm (SIMD ${simd ? 'on' : 'off'}, ${threads} thread${threads === 1 ? '' : 's'})`;
  }
  if (name === 'webgl') return `webgl (${webglRenderer() ?? 'GPU'})`;
  if (name === 'webgpu' && adapterInUse) return `webgpu (${adapterName(adapterInUse)})`;
  return name;
}

/** Starts the first backend that works, checking it with one small product. */
export async function startBackend(forced: string | null): Promise<BackendInfo> {
  setWasmPaths(new URL('wasm/', document.baseURI).href);
  if (forced !== null && !(BACKEND_NAMES as readonly string[]).includes(forced)) {
    throw new Error(`?backend=${forced}: expected one of ${BACKEND_NAMES.join(', ')}`);
  }
  if (forced === 'webgpu') {
    adapterInUse = await webgpuAdapter();
    if (!adapterInUse) throw new Error('?backend=webgpu: this browser offers no WebGPU adapter');
    await import('@tensorflow/tfjs-backend-webgpu');
  }
  const tried: string[] = [];
  for (const name of forced ? [forced as BackendName] : await candidates()) {
    try {
      if (!(await tf.setBackend(name))) throw new Error('did not start');
      await tf.ready();
      const check = tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])));
      const values = await check.data();
      check.dispose();
      if (values[0] !== 3) throw new Error('wrong result');
      return { name, description: describe(name) };
    } catch (e) {
      tried.push(`${name}: ${(e as Error).message}`);
    }
  }
  throw new Error(`no tfjs backend started (${tried.join('; ')})`);
}
