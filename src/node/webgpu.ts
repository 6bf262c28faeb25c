/**
 * WebGPU in Node: Dawn's `dawn.node` (the optional npm package `webgpu`) under tfjs' webgpu backend. On Linux
 * Dawn reaches a GPU through Vulkan (libvulkan1 and the GPU's Vulkan driver); on macOS through Metal, on
 * Windows through D3D12. Where no GPU answers, the SwiftShader Vulkan driver that Chromium ships (the GPU's
 * work done on the CPU: right, and slow) stands in, but only when WebGPU was asked for by name:
 * `auto` takes a hardware adapter or nothing.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { NATIVE_ADDON_PATH } from './native.js';

/** A WebGPU adapter as its driver describes it. */
export interface GpuAdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU implementation (SwiftShader, lavapipe/llvmpipe, a fallback adapter): right, not fast. */
  software: boolean;
  /** The Vulkan driver file (VK_ICD_FILENAMES) it came through when vaekit chose it; null: the system's drivers. */
  icd: string | null;
}

/** What a search for adapters found: the adapters, and why there were none where there were none. */
export interface AdapterSearch {
  adapters: GpuAdapterSummary[];
  notes: string[];
}

// The parts of Dawn's WebGPU objects used here (the package's own types need the DOM's).
interface DawnAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter?: boolean;
}
interface DawnDevice {
  destroy(): void;
}
interface DawnAdapter {
  info: DawnAdapterInfo;
  features: { has(name: string): boolean };
  limits: Record<string, number>;
  requestDevice(descriptor: object): Promise<DawnDevice>;
}
interface DawnGpu {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<DawnAdapter | null>;
}
interface DawnModule {
  create(flags: string[]): DawnGpu;
  globals: object;
}
interface DawnBuffer {
  size: number;
  mapState: 'unmapped' | 'pending' | 'mapped';
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
}
/** The parts of tfjs' WebGPUBackend (tfjs-backend-webgpu/src/backend_webgpu.ts) that a synchronous read uses. */
interface WebGpuBackendInternals {
  tensorMap: { get(dataId: object): { values: tf.backend_util.BackendValues | null; dtype: tf.DataType; resource: DawnBuffer } };
  bufferManager: { acquireBuffer(size: number, usage: number): DawnBuffer; releaseBuffer(buffer: DawnBuffer): void };
  commandEncoder: { copyBufferToBuffer(from: DawnBuffer, fromOffset: number, to: DawnBuffer, toOffset: number, size: number): void };
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  convertAndCacheOnCPU(dataId: object, values: tf.backend_util.BackendValues): tf.backend_util.BackendValues;
  readSync(dataId: object): tf.backend_util.BackendValues;
}
type WebGpuBackendClass = new (device: DawnDevice, adapterInfo: DawnAdapterInfo) => tf.KernelBackend & WebGpuBackendInternals;
interface WebGpuBackendModule {
  WebGPUBackend: WebGpuBackendClass;
}
/** The addon's runLoopUntil (native/event_loop.cc). */
type RunLoopUntil = (done: () => boolean) => void;

/** Where Debian's, Ubuntu's and Google's Chrome builds keep SwiftShader's Vulkan driver. */
export const SWIFTSHADER_ICDS = ['/usr/lib/chromium/vk_swiftshader_icd.json', '/usr/lib/chromium-browser/vk_swiftshader_icd.json', '/opt/google/chrome/vk_swiftshader_icd.json'];

const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|softpipe/i;

/** Whether an adapter does its work on the CPU. */
export function isSoftwareAdapter(info: DawnAdapterInfo): boolean {
  return Boolean(info.isFallbackAdapter) || SOFTWARE_NAMES.test(`${info.vendor} ${info.architecture} ${info.device} ${info.description}`);
}

function summary(info: DawnAdapterInfo, icd: string | null): GpuAdapterSummary {
  return { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description, software: isSoftwareAdapter(info), icd };
}

/** "NVIDIA GeForce RTX 4090 (nvidia, vulkan driver ...)" or "SwiftShader driver 5.0.0 (google swiftshader, software)". */
export function adapterText(a: GpuAdapterSummary): string {
  const name = a.description || a.device || 'unnamed adapter';
  const detail = [a.vendor, a.architecture].filter(Boolean).join(' ');
  return `${name} (${detail || 'unknown vendor'}${a.software ? ', software: runs on the CPU' : ''})`;
}

async function loadDawn(): Promise<DawnModule | string> {
  try {
    // A variable name, so that neither TypeScript nor a bundler insists on the optional package.
    const name = 'webgpu';
    return (await import(name)) as DawnModule;
  } catch (e) {
    return `the optional package webgpu (Dawn for Node) did not load (${(e as Error).message.split('\n')[0]}): npm install webgpu`;
  }
}

/**
 * Whether Linux shows a GPU to this process (/dev/dri render nodes, NVIDIA's, AMD's compute or WSL's device).
 * Without one, asking Vulkan's drivers would only wake the software ones, which print warnings on stderr.
 */
export function linuxGpuDevicePresent(): boolean {
  if (process.platform !== 'linux') return true;
  if (['/dev/nvidiactl', '/dev/kfd', '/dev/dxg'].some((p) => existsSync(p))) return true;
  try {
    return readdirSync('/dev/dri').some((n) => n.startsWith('renderD'));
  } catch {
    return false;
  }
}

/** Whether the Vulkan loader (libvulkan.so.1) is where the dynamic linker looks, for the refusal's advice. */
function vulkanLoaderPresent(): boolean {
  if (process.platform !== 'linux') return true;
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`, '/usr/lib64', '/usr/lib', '/lib64', '/lib'];
  return dirs.some((d) => existsSync(`${d}/libvulkan.so.1`));
}

// Dawn's Vulkan backend only on Linux: its OpenGL ES one cannot run tfjs' shaders and wakes Mesa's warnings.
const DAWN_FLAGS = process.platform === 'linux' ? ['backend=vulkan'] : [];

/**
 * Vulkan's window-system code (SwiftShader's, Mesa's) complains on stderr when XDG_RUNTIME_DIR is unset, as
 * it is in containers and CI: a private directory of the user's quiets it. Nothing is written there.
 */
function ensureRuntimeDir(): void {
  if (process.platform !== 'linux' || process.env.XDG_RUNTIME_DIR) return;
  const dir = join(tmpdir(), `vaekit-runtime-${userInfo().uid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  process.env.XDG_RUNTIME_DIR = dir;
}

/** A Dawn instance made while VK_ICD_FILENAMES names `icd` (null: as the user left it), and its adapters. */
async function probe(dawn: DawnModule, icd: string | null): Promise<{ gpu: DawnGpu; adapters: DawnAdapter[] }> {
  const saved = process.env.VK_ICD_FILENAMES;
  if (icd) process.env.VK_ICD_FILENAMES = icd;
  try {
    const gpu = dawn.create(DAWN_FLAGS);
    const adapters: DawnAdapter[] = [];
    for (const powerPreference of ['high-performance', 'low-power'] as const) {
      const a = await gpu.requestAdapter({ powerPreference });
      if (a && !adapters.some((b) => b.info.description === a.info.description && b.info.device === a.info.device)) adapters.push(a);
    }
    return { gpu, adapters };
  } finally {
    if (saved === undefined) delete process.env.VK_ICD_FILENAMES;
    else process.env.VK_ICD_FILENAMES = saved;
  }
}

/** The usable adapter found first, with the Dawn instance that owns it. */
interface Found {
  gpu: DawnGpu;
  adapter: DawnAdapter;
  summary: GpuAdapterSummary;
}

/**
 * Looks for adapters: the system's drivers first (where Linux shows a GPU, or VK_ICD_FILENAMES names a
 * driver), then, with `software`, Chromium's SwiftShader. Returns every adapter seen and the first usable one.
 */
async function search(software: boolean): Promise<AdapterSearch & { found: Found | null }> {
  const notes: string[] = [];
  const adapters: GpuAdapterSummary[] = [];
  const userIcd = process.env.VK_ICD_FILENAMES !== undefined;
  const sources: (string | null)[] = [];
  if (userIcd || linuxGpuDevicePresent()) sources.push(null);
  else notes.push('no GPU device in /dev (dri, nvidia, kfd, dxg)');
  if (software && !userIcd) {
    const icd = SWIFTSHADER_ICDS.find((p) => existsSync(p));
    if (icd) sources.push(icd);
    else notes.push(`no SwiftShader Vulkan driver (looked for ${SWIFTSHADER_ICDS.join(', ')}; install chromium for it)`);
  }
  if (sources.length === 0) return { adapters, notes, found: null };
  const dawn = await loadDawn();
  if (typeof dawn === 'string') return { adapters, notes: [...notes, dawn], found: null };
  Object.assign(globalThis, dawn.globals); // GPUBufferUsage and friends, which tfjs' webgpu backend reads
  ensureRuntimeDir();
  let found: Found | null = null;
  for (const icd of sources) {
    const { gpu, adapters: seen } = await probe(dawn, icd);
    for (const adapter of seen) {
      const s = summary(adapter.info, icd);
      adapters.push(s);
      if (!found && (software || !s.software)) found = { gpu, adapter, summary: s };
    }
    if (found) break;
  }
  if (sources.length > 0 && adapters.length === 0) {
    notes.push(vulkanLoaderPresent() ? 'Dawn found no adapter (no Vulkan driver answered; install your GPU\'s Vulkan driver)' : 'the Vulkan loader libvulkan.so.1 is missing: install libvulkan1 (Debian, Ubuntu) or your distribution\'s Vulkan loader');
  }
  return { adapters, notes, found };
}

/** Every adapter Dawn finds (software ones included), for `vaekit info`; no backend is started. */
export async function listGpuAdapters(): Promise<AdapterSearch> {
  const { adapters, notes } = await search(true);
  return { adapters, notes };
}

/** Sets (or with null removes) navigator.gpu; Node 20 has no navigator, Node 21 on one without gpu. */
function setNavigatorGpu(gpu: DawnGpu | null): void {
  const g = globalThis as { navigator?: object };
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  if (gpu) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  else delete (g.navigator as { gpu?: DawnGpu }).gpu;
}

/** The addon's runLoopUntil, or why it is missing. */
function loadRunLoopUntil(): RunLoopUntil | string {
  const path = process.env.VAEKIT_NATIVE_PATH ?? NATIVE_ADDON_PATH;
  try {
    const addon = createRequire(import.meta.url)(path) as { runLoopUntil?: RunLoopUntil };
    if (typeof addon.runLoopUntil === 'function') return addon.runLoopUntil;
    return `${path} lacks runLoopUntil (a stale build: run npm run build:native)`;
  } catch (e) {
    return `webgpu in Node reads tensors through vaekit's native addon, which did not load (${(e as Error).message.split('\n')[0]}; it is built at npm install where g++ and libopenblas0-openmp exist: npm run build:native)`;
  }
}

/**
 * tfjs' WebGPUBackend with a readSync that works in Node. The library reads losses and figures with
 * dataSync; the backend's own readSync goes through an OffscreenCanvas, which only browsers have. Here the
 * tensor is copied to a mappable buffer, as its asynchronous read does, and Node's event loop is turned until
 * Dawn has mapped it.
 */
function withSynchronousReads(Base: WebGpuBackendClass, runLoopUntil: RunLoopUntil): WebGpuBackendClass {
  const { COPY_DST, MAP_READ } = (globalThis as unknown as { GPUBufferUsage: Record<string, number> }).GPUBufferUsage;
  const READ = (globalThis as unknown as { GPUMapMode: Record<string, number> }).GPUMapMode.READ;
  return class extends Base {
    override readSync(dataId: object): tf.backend_util.BackendValues {
      const data = this.tensorMap.get(dataId);
      if (data.values != null || data.dtype === 'string' || data.dtype === 'complex64') return super.readSync(dataId);
      const buffer = data.resource;
      const staging = this.bufferManager.acquireBuffer(buffer.size, COPY_DST | MAP_READ);
      this.ensureCommandEncoderReady();
      this.endComputePassEncoder();
      this.commandEncoder.copyBufferToBuffer(buffer, 0, staging, 0, buffer.size);
      this.submitQueue();
      // A failed map leaves the buffer unmapped, and getMappedRange below throws Dawn's error.
      staging.mapAsync(READ).catch(() => undefined);
      runLoopUntil(() => staging.mapState !== 'pending');
      const bytes = staging.getMappedRange().slice(0);
      staging.unmap();
      this.bufferManager.releaseBuffer(staging);
      return this.convertAndCacheOnCPU(dataId, tf.util.convertBackendValuesAndArrayBuffer(bytes, data.dtype));
    }
  };
}

let inUse: { summary: GpuAdapterSummary; device: DawnDevice } | null = null;

/** The adapter the webgpu backend runs on, or null when it was not started here. */
export function webGpuAdapter(): GpuAdapterSummary | null {
  return inUse?.summary ?? null;
}

/**
 * Registers tfjs' `webgpu` backend on a Dawn adapter: a hardware one, or with `software` (as `--backend
 * webgpu` asks) SwiftShader where no hardware adapter answers. Returns the adapter, or why none is usable.
 */
export async function registerWebGpu({ software }: { software: boolean }): Promise<GpuAdapterSummary | string> {
  if (inUse) return inUse.summary;
  const runLoop = loadRunLoopUntil();
  if (typeof runLoop === 'string') return runLoop;
  const { adapters, notes, found } = await search(software);
  if (!found) {
    const seen = adapters.length ? `only software adapters (${adapters.map(adapterText).join('; ')}), which auto does not take` : notes.join('; ');
    return `no WebGPU adapter: ${seen}`;
  }
  const { adapter, summary: s } = found;
  // As tfjs' own factory (tfjs-backend-webgpu/src/base.ts) asks: the adapter's limits, timestamps where offered.
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: Object.fromEntries(['maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup'].map((k) => [k, limits[k]])),
  });
  // Loaded before navigator.gpu exists, the package registers no factory of its own (it would take the
  // default adapter, not this one); its backend then checks that navigator.gpu is there.
  const name = '@tensorflow/tfjs-backend-webgpu';
  const { WebGPUBackend } = (await import(name)) as WebGpuBackendModule;
  setNavigatorGpu(found.gpu);
  const Backend = withSynchronousReads(WebGPUBackend, runLoop);
  tf.registerBackend('webgpu', () => new Backend(device, adapter.info));
  inUse = { summary: s, device };
  return s;
}

/**
 * Removes the webgpu backend and destroys its device, so that Node can exit (Dawn keeps the process alive
 * while a device lives). The CLI calls it when a command ends; tests after their last use.
 */
export function releaseWebGpu(): void {
  if (!inUse) return;
  if (tf.findBackend('webgpu')) tf.removeBackend('webgpu');
  inUse.device.destroy();
  setNavigatorGpu(null);
  inUse = null;
}
