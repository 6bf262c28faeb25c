/**
 * vaekit's own TensorFlow.js backend, `native`: tfjs' CPU backend (`MathBackendCPU`: tensors are plain JS
 * typed arrays) with every CPU kernel registered under the new name, so every op works, and the ops where a
 * training step spends its time replaced by the addon's kernels (native/backend.cc), which read and write
 * those typed arrays in place: matrix products and convolutions on OpenBLAS, element-wise, broadcasting,
 * reduction and transpose loops on OpenMP. A kernel the addon cannot take (another dtype, NCHW, prelu, a
 * broadcast it does not know) falls back to the CPU backend's own.
 */
import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { Kernels } from '../fastpath/kernels.js';
import { FUSED_ADAM } from '../train/adam.js';

export const NATIVE_BACKEND = 'native';

/** The addon's backend kernels (`addon.backend`); see native/backend.h. */
export interface BackendKernels {
  /** dims: [batchA, batchB, m, n, k, transA, transB]; bias of 1, n or m * n values; activation indexes FUSED. */
  matMul(a: Float32Array, b: Float32Array, out: Float32Array, dims: Int32Array, bias: Float32Array | null, activation: number, alpha: number): void;
  /** geometry: [batch, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft]. */
  conv2d(x: Float32Array, w: Float32Array, y: Float32Array, geometry: Int32Array, bias: Float32Array | null, activation: number, alpha: number): void;
  conv2dBackpropInput(dy: Float32Array, w: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, geometry: Int32Array): void;
  /** op indexes UNARY. */
  unary(op: number, x: Float32Array, y: Float32Array, n: number, p: number, q: number): void;
  /** op indexes BINARY; shapes: [rank, ...out, ...a, ...b], a and b padded with leading ones to out's rank. */
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array, shapes: Int32Array): void;
  /** x as [outer, size, inner] reduced over the middle axis; op indexes REDUCE. */
  reduce(op: number, x: Float32Array, out: Float32Array, outer: number, size: number, inner: number): void;
  transpose(x: Float32Array, y: Float32Array, shape: Int32Array, perm: Int32Array): void;
  /** dst[dstBegin + i] = src[srcBegin + i] over the box; shapes: [rank, ...srcShape, ...srcBegin, ...dstShape, ...dstBegin, ...size]. */
  copyBox(src: Float32Array, dst: Float32Array, shapes: Int32Array): void;
  fill(y: Float32Array, value: number): void;
  setThreads(n: number): void;
  threads(): number;
}

/** Same order as Fused, Unary, Binary and Reduce in native/backend.h. */
const FUSED = ['linear', 'relu', 'elu', 'sigmoid', 'relu6', 'leakyrelu'];
const UNARY = ['Exp', 'Log', 'Log1p', 'Softplus', 'Sigmoid', 'Relu', 'Neg', 'Sqrt', 'Square', 'Tanh', 'Abs', 'Step', 'Elu', 'Expm1', 'Reciprocal', 'Rsqrt', 'LeakyRelu', 'Relu6', 'ClipByValue', 'Sign'];
const BINARY = ['Add', 'Sub', 'Multiply', 'RealDiv', 'Maximum', 'Minimum', 'SquaredDifference', 'EluGrad'];
const REDUCE = ['Sum', 'Mean', 'Max', 'Min'];

/** The kernels the addon runs, for tests and the benchmark's profile. */
export const NATIVE_KERNELS = ['BatchMatMul', '_FusedMatMul', 'Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', ...UNARY, ...BINARY, ...REDUCE, 'Transpose', 'Slice', 'SplitV', 'PadV2', 'Concat'];

/** Bytes of output arrays kept for reuse, at most. */
const POOL_BYTES = 512 * 2 ** 20;

/**
 * tfjs' CPU backend, without its console advice to install tfjs-node, recycling the output arrays of the
 * native kernels. A fresh Float32Array of a few MB costs more than the kernel that fills it (the allocator
 * maps, zeroes and faults in new pages, and V8 collects garbage under the external memory: 1.4-2.5 ms of CPU
 * for 1.25 MB on the benchmark machine, against 0.1 ms for an exp over it). So when a tensor whose array a
 * native kernel made is disposed, the array goes to a pool by length, and the next output of that length
 * takes it, unzeroed: every native kernel writes all of its output. Arrays never leave the backend while
 * pooled: readSync and read hand out copies, and an output of a CPU kernel that shares an input's memory
 * (its slices are views) is copied (see `unaliased`).
 */
class NativeBackend extends MathBackendCPU {
  /** Conv layers take Conv2DBackpropInput and Conv2DBackpropFilter from here (src/nn/conv.ts). */
  readonly directConvGradients = true;
  /** Products with transposed operands run on sgemm at full speed (src/nn/dense.ts skips explicit transposes). */
  readonly fastTransposedMatMul = true;
  private readonly pool = new Map<number, Float32Array[]>();
  private pooledBytes = 0;
  /** The arrays the native kernels made, pooled or in use. */
  readonly recyclable = new WeakSet<Float32Array>();

  constructor() {
    super();
    this['firstUse'] = false;
  }

  /** An output array of n values, reused where one is free; its contents are undefined. */
  alloc(n: number): Float32Array {
    const reused = this.pool.get(n)?.pop();
    if (reused) {
      this.pooledBytes -= reused.byteLength;
      return reused;
    }
    const fresh = new Float32Array(n);
    this.recyclable.add(fresh);
    return fresh;
  }

  override disposeData(dataId: tf.DataId, force = false): boolean {
    const values = this.data.has(dataId) ? this.data.get(dataId).values : undefined;
    const disposed = super.disposeData(dataId, force);
    if (disposed && values instanceof Float32Array && this.recyclable.has(values) && this.pooledBytes + values.byteLength <= POOL_BYTES) {
      const list = this.pool.get(values.length) ?? [];
      list.push(values);
      this.pool.set(values.length, list);
      this.pooledBytes += values.byteLength;
    }
    return disposed;
  }

  override readSync(dataId: tf.DataId): tf.backend_util.BackendValues {
    const values = super.readSync(dataId);
    return values instanceof Float32Array && this.recyclable.has(values) ? values.slice() : values;
  }

  override async read(dataId: tf.DataId): Promise<tf.backend_util.BackendValues> {
    return this.readSync(dataId);
  }

  override dispose(): void {
    this.pool.clear();
    this.pooledBytes = 0;
    super.dispose();
  }
}

/** An output array: from the pool on the native backend. */
function alloc(backend: MathBackendCPU, n: number): Float32Array {
  return backend instanceof NativeBackend ? backend.alloc(n) : new Float32Array(n);
}

/**
 * A CPU kernel re-registered for the native backend, its outputs made safe to recycle: an output whose array
 * shares memory with a recyclable input (a CPU slice is a view) gets a copy of its own.
 */
function unaliased(config: tf.KernelConfig): tf.KernelConfig {
  return {
    ...config,
    backendName: NATIVE_BACKEND,
    kernelFunc: (args) => {
      const out = config.kernelFunc(args);
      const backend = args.backend as NativeBackend;
      const buffers = new Set<ArrayBufferLike>();
      for (const t of Object.values(args.inputs) as (tf.TensorInfo | undefined)[]) {
        const v = t && backend.data.has(t.dataId) ? backend.data.get(t.dataId).values : undefined;
        if (v instanceof Float32Array && backend.recyclable.has(v)) buffers.add(v.buffer);
      }
      if (buffers.size === 0) return out;
      const inputIds = new Set((Object.values(args.inputs) as (tf.TensorInfo | undefined)[]).map((t) => t?.dataId));
      for (const t of Array.isArray(out) ? out : [out]) {
        if (inputIds.has(t.dataId)) continue;
        const entry = backend.data.get(t.dataId);
        if (ArrayBuffer.isView(entry.values) && buffers.has(entry.values.buffer)) entry.values = (entry.values as Float32Array).slice();
      }
      return out;
    },
  };
}

type Attrs = tf.NamedAttrMap;
type Inputs = Record<string, tf.TensorInfo>;
type KernelArgs = { inputs: Inputs; backend: MathBackendCPU; attrs?: Attrs };

/** The float32 values of a tensor, or null where the addon cannot take it. */
function floats(backend: MathBackendCPU, t: tf.TensorInfo | undefined): Float32Array | null {
  if (!t || t.dtype !== 'float32') return null;
  const values = backend.data.get(t.dataId).values;
  return values instanceof Float32Array ? values : null;
}

function output(backend: MathBackendCPU, shape: number[], values: Float32Array): tf.TensorInfo {
  return backend.makeTensorInfo(shape, 'float32', values);
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** A kernel that runs natively when `native` answers, else as the CPU backend runs it. */
function withFallback(name: string, native: (args: KernelArgs) => tf.TensorInfo | null): tf.KernelConfig {
  const found = tf.getKernel(name, 'cpu');
  if (!found) throw new Error(`the cpu backend has no ${name} kernel`);
  const cpu = unaliased(found);
  return {
    kernelName: name,
    backendName: NATIVE_BACKEND,
    kernelFunc: (args) => native(args as unknown as KernelArgs) ?? (cpu.kernelFunc(args) as tf.TensorInfo),
  };
}

function matMulKernel(k: BackendKernels, name: string): tf.KernelConfig {
  return withFallback(name, ({ inputs, backend, attrs }) => {
    const { a, b } = inputs;
    const bias = inputs.bias as tf.TensorInfo | undefined;
    const prelu = inputs.preluActivationWeights as tf.TensorInfo | undefined;
    const transA = Boolean(attrs?.transposeA);
    const transB = Boolean(attrs?.transposeB);
    const activation = (attrs?.activation as string | undefined) ?? 'linear';
    const act = FUSED.indexOf(activation);
    const av = floats(backend, a);
    const bv = floats(backend, b);
    if (!av || !bv || act < 0 || prelu || a.shape.length < 2 || b.shape.length < 2) return null;
    const ra = a.shape.length;
    const rb = b.shape.length;
    const m = transA ? a.shape[ra - 1] : a.shape[ra - 2];
    const kA = transA ? a.shape[ra - 2] : a.shape[ra - 1];
    const kB = transB ? b.shape[rb - 1] : b.shape[rb - 2];
    const n = transB ? b.shape[rb - 2] : b.shape[rb - 1];
    const outerA = a.shape.slice(0, -2);
    const outerB = b.shape.slice(0, -2);
    const batchA = size(outerA);
    const batchB = size(outerB);
    if (kA !== kB || (batchA !== batchB && batchA !== 1 && batchB !== 1)) return null;
    let outer: number[];
    try {
      outer = tf.backend_util.assertAndGetBroadcastShape(outerA, outerB);
    } catch {
      return null;
    }
    if (size(outer) !== Math.max(batchA, batchB)) return null;
    let biasValues: Float32Array | null = null;
    if (bias) {
      biasValues = floats(backend, bias);
      const row = size(bias.shape) === n && bias.shape[bias.shape.length - 1] === n;
      const matrix = size(bias.shape) === m * n && bias.shape.length === 2 && bias.shape[0] === m;
      if (!biasValues || !(size(bias.shape) === 1 || row || matrix) || bias.shape.length > outer.length + 2) return null;
    }
    const out = alloc(backend, size(outer) * m * n);
    const alpha = (attrs?.leakyreluAlpha as number | undefined) ?? 0.2;
    k.matMul(av, bv, out, Int32Array.of(batchA, batchB, m, n, kA, transA ? 1 : 0, transB ? 1 : 0), biasValues, act, alpha);
    return output(backend, [...outer, m, n], out);
  });
}

/** The addon's conv geometry from tfjs' Conv2DInfo. */
function geometry(c: tf.backend_util.Conv2DInfo): Int32Array {
  return Int32Array.of(c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.outHeight, c.outWidth, c.outChannels, c.filterHeight, c.filterWidth, c.strideHeight, c.strideWidth, c.dilationHeight, c.dilationWidth, c.padInfo.top, c.padInfo.left);
}

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;
type Shape4 = [number, number, number, number];

function convInfo(xShape: number[], filterShape: number[], attrs: Attrs, dilations: number | [number, number] = 1): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(xShape as Shape4, filterShape as Shape4, attrs.strides as number | [number, number], dilations, attrs.pad as Pad, attrs.dimRoundingMode as Rounding, false, 'channelsLast');
}

const isNhwc = (attrs: Attrs | undefined) => attrs?.dataFormat === undefined || attrs.dataFormat === 'NHWC';

function convKernel(k: BackendKernels, name: string): tf.KernelConfig {
  return withFallback(name, ({ inputs, backend, attrs }) => {
    const { x, filter } = inputs;
    const bias = inputs.bias as tf.TensorInfo | undefined;
    const prelu = inputs.preluActivationWeights as tf.TensorInfo | undefined;
    const act = FUSED.indexOf((attrs?.activation as string | undefined) ?? 'linear');
    const xv = floats(backend, x);
    const wv = floats(backend, filter);
    if (!xv || !wv || !attrs || !isNhwc(attrs) || act < 0 || prelu) return null;
    const info = convInfo(x.shape, filter.shape, attrs, attrs.dilations as number | [number, number]);
    let biasValues: Float32Array | null = null;
    if (bias) {
      biasValues = floats(backend, bias);
      if (!biasValues || size(bias.shape) !== info.outChannels || bias.shape[bias.shape.length - 1] !== info.outChannels) return null;
    }
    const y = alloc(backend, size(info.outShape));
    k.conv2d(xv, wv, y, geometry(info), biasValues, act, (attrs.leakyreluAlpha as number | undefined) ?? 0.2);
    return output(backend, info.outShape, y);
  });
}

function convBackpropInputKernel(k: BackendKernels): tf.KernelConfig {
  return withFallback('Conv2DBackpropInput', ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs;
    const dyv = floats(backend, dy);
    const wv = floats(backend, filter);
    if (!dyv || !wv || !attrs || !isNhwc(attrs)) return null;
    const inputShape = attrs.inputShape as number[];
    const info = convInfo(inputShape, filter.shape, attrs);
    const dx = alloc(backend, size(inputShape));
    k.conv2dBackpropInput(dyv, wv, dx, geometry(info));
    return output(backend, inputShape, dx);
  });
}

function convBackpropFilterKernel(k: BackendKernels): tf.KernelConfig {
  return withFallback('Conv2DBackpropFilter', ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs;
    const xv = floats(backend, x);
    const dyv = floats(backend, dy);
    if (!xv || !dyv || !attrs || !isNhwc(attrs)) return null;
    const filterShape = attrs.filterShape as number[];
    const info = convInfo(x.shape, filterShape, attrs);
    const dw = alloc(backend, size(filterShape));
    k.conv2dBackpropFilter(xv, dyv, dw, geometry(info));
    return output(backend, filterShape, dw);
  });
}

function unaryKernel(k: BackendKernels, name: string): tf.KernelConfig {
  const op = UNARY.indexOf(name);
  return withFallback(name, ({ inputs, backend, attrs }) => {
    const x = inputs.x;
    const xv = floats(backend, x);
    if (!xv) return null;
    let p = 0;
    let q = 0;
    if (name === 'LeakyRelu') p = attrs?.alpha as number;
    else if (name === 'Step') p = (attrs?.alpha as number | undefined) ?? 0;
    else if (name === 'ClipByValue') [p, q] = [attrs?.clipValueMin as number, attrs?.clipValueMax as number];
    const y = alloc(backend, xv.length);
    k.unary(op, xv, y, xv.length, p, q);
    return output(backend, x.shape, y);
  });
}

function binaryKernel(k: BackendKernels, name: string): tf.KernelConfig {
  const op = BINARY.indexOf(name);
  return withFallback(name, ({ inputs, backend }) => {
    const [a, b] = name === 'EluGrad' ? [inputs.dy, inputs.y] : [inputs.a, inputs.b];
    const av = floats(backend, a);
    const bv = floats(backend, b);
    if (!av || !bv) return null;
    let shape: number[];
    try {
      shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    } catch {
      return null;
    }
    const rank = shape.length;
    if (rank > 8) return null;
    const pad = (s: number[]) => [...new Array<number>(rank - s.length).fill(1), ...s];
    const out = alloc(backend, size(shape));
    if (out.length > 0) k.binary(op, av, bv, out, Int32Array.from([rank, ...shape, ...pad(a.shape), ...pad(b.shape)]));
    return output(backend, shape, out);
  });
}

function reduceKernel(k: BackendKernels, name: string): tf.KernelConfig {
  const op = REDUCE.indexOf(name);
  return withFallback(name, ({ inputs, backend, attrs }) => {
    const x = inputs.x;
    const xv = floats(backend, x);
    if (!xv || size(x.shape) === 0) return null;
    const axisAttr = (name === 'Max' ? attrs?.reductionIndices : attrs?.axis) as number | number[];
    const axes = tf.util.parseAxisParam(axisAttr, x.shape).sort((i, j) => i - j);
    const [outShape] = tf.backend_util.computeOutAndReduceShapes(x.shape, axes);
    const keepShape = attrs?.keepDims ? tf.backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
    const out = alloc(backend, size(outShape));
    if (axes.length === 0) return null;
    const contiguous = axes.every((a, i) => i === 0 || a === axes[i - 1] + 1);
    if (contiguous) {
      const first = axes[0];
      const last = axes[axes.length - 1];
      k.reduce(op, xv, out, size(x.shape.slice(0, first)), size(x.shape.slice(first, last + 1)), size(x.shape.slice(last + 1)));
    } else {
      // Reduced axes moved innermost by one transpose, then reduced as rows.
      const perm = tf.backend_util.getAxesPermutation(axes, x.shape.length) as number[];
      const moved = alloc(backend, xv.length);
      k.transpose(xv, moved, Int32Array.from(x.shape), Int32Array.from(perm));
      const reduceSize = size(x.shape) / out.length;
      k.reduce(op, moved, out, out.length, reduceSize, 1);
    }
    return output(backend, keepShape, out);
  });
}

function transposeKernel(k: BackendKernels): tf.KernelConfig {
  return withFallback('Transpose', ({ inputs, backend, attrs }) => {
    const x = inputs.x;
    const xv = floats(backend, x);
    const perm = attrs?.perm as number[];
    if (!xv || x.shape.length > 8 || x.shape.length === 0) return null;
    const y = alloc(backend, xv.length);
    k.transpose(xv, y, Int32Array.from(x.shape), Int32Array.from(perm));
    return output(backend, perm.map((p) => x.shape[p]), y);
  });
}

function copyBox(k: BackendKernels, src: Float32Array, srcShape: number[], srcBegin: number[], dst: Float32Array, dstShape: number[], dstBegin: number[], box: number[]): void {
  k.copyBox(src, dst, Int32Array.from([srcShape.length, ...srcShape, ...srcBegin, ...dstShape, ...dstBegin, ...box]));
}

const MAX_RANK = 8;

function sliceKernel(k: BackendKernels): tf.KernelConfig {
  return withFallback('Slice', ({ inputs, backend, attrs }) => {
    const x = inputs.x;
    const xv = floats(backend, x);
    if (!xv || x.shape.length === 0 || x.shape.length > MAX_RANK) return null;
    const [begin, box] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs?.begin as number[], attrs?.size as number[]);
    const y = alloc(backend, size(box));
    copyBox(k, xv, x.shape, begin, y, box, box.map(() => 0), box);
    return output(backend, box, y);
  });
}

function splitKernel(k: BackendKernels): tf.KernelConfig {
  const cpu = unaliased(tf.getKernel('SplitV', 'cpu')!);
  return {
    kernelName: 'SplitV',
    backendName: NATIVE_BACKEND,
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args as unknown as KernelArgs;
      const x = inputs.x;
      const xv = floats(backend, x);
      if (!xv || x.shape.length > MAX_RANK) return cpu.kernelFunc(args);
      const axis = tf.util.parseAxisParam(attrs?.axis as number, x.shape)[0];
      const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, attrs?.numOrSizeSplits as number[] | number, axis);
      let at = 0;
      return sizes.map((s) => {
        const begin = x.shape.map((_, i) => (i === axis ? at : 0));
        const box = x.shape.map((d, i) => (i === axis ? s : d));
        at += s;
        const y = alloc(backend, size(box));
        copyBox(k, xv, x.shape, begin, y, box, box.map(() => 0), box);
        return output(backend, box, y);
      });
    },
  };
}

function padKernel(k: BackendKernels): tf.KernelConfig {
  return withFallback('PadV2', ({ inputs, backend, attrs }) => {
    const x = inputs.x;
    const xv = floats(backend, x);
    const paddings = attrs?.paddings as [number, number][];
    if (!xv || x.shape.length === 0 || x.shape.length > MAX_RANK) return null;
    const shape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
    const y = alloc(backend, size(shape));
    const value = (attrs?.constantValue as number | undefined) ?? 0;
    k.fill(y, value);
    copyBox(k, xv, x.shape, x.shape.map(() => 0), y, shape, paddings.map((p) => p[0]), x.shape);
    return output(backend, shape, y);
  });
}

function concatKernel(k: BackendKernels): tf.KernelConfig {
  return withFallback('Concat', ({ inputs, backend, attrs }) => {
    const parts = (Array.isArray(inputs) ? inputs : Object.values(inputs)) as tf.TensorInfo[];
    const values = parts.map((t) => floats(backend, t));
    const first = parts[0];
    if (!first || values.some((v) => !v) || first.shape.length === 0 || first.shape.length > MAX_RANK) return null;
    const axis = tf.util.parseAxisParam(attrs?.axis as number, first.shape)[0];
    if (parts.some((t) => t.shape.length !== first.shape.length || t.shape.some((d, i) => i !== axis && d !== first.shape[i]))) return null;
    const shape = first.shape.map((d, i) => (i === axis ? parts.reduce((sum, t) => sum + t.shape[axis], 0) : d));
    const y = alloc(backend, size(shape));
    let at = 0;
    parts.forEach((t, j) => {
      copyBox(k, values[j]!, t.shape, t.shape.map(() => 0), y, shape, shape.map((_, i) => (i === axis ? at : 0)), t.shape);
      at += t.shape[axis];
    });
    return output(backend, shape, y);
  });
}

/**
 * One Adam update as a kernel (src/train/adam.ts runs it where the backend has it): from p, g, m, v and the
 * attributes of `FusedAdamAttrs`, the new [p, m, v], in one pass instead of ten element-wise ops.
 */
function adamKernel(adam: Kernels['adam']): tf.KernelConfig {
  return {
    kernelName: FUSED_ADAM,
    backendName: NATIVE_BACKEND,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const b = backend as NativeBackend;
      const [p, g, m, v] = ['p', 'g', 'm', 'v'].map((name) => {
        const values = floats(b, inputs[name]);
        if (!values) throw new Error(`${FUSED_ADAM}: ${name} must be float32`);
        return values;
      });
      const n = p.length;
      const [np, nm, nv] = [p, m, v].map((values) => {
        const out = b.alloc(n);
        out.set(values);
        return out;
      });
      const a = attrs as unknown as { beta1: number; beta2: number; epsilon: number; stepSize: number; rootCorrection: number };
      adam(np, g, nm, nv, n, a.beta1, a.beta2, a.epsilon, a.stepSize, a.rootCorrection);
      const shape = (inputs.p as tf.TensorInfo).shape;
      return [output(b, shape, np), output(b, shape, nm), output(b, shape, nv)];
    },
  };
}

/**
 * Registers the `native` backend on the addon's kernels (once; later calls do nothing), with the fused Adam
 * update where `adam` is given. It does not select it: tf.setBackend('native') does.
 */
export function registerNativeBackend(k: BackendKernels, adam?: Kernels['adam']): void {
  if (tf.findBackendFactory(NATIVE_BACKEND) !== null) return;
  tf.registerBackend(NATIVE_BACKEND, () => new NativeBackend(), 0);
  const overrides: tf.KernelConfig[] = [
    matMulKernel(k, 'BatchMatMul'),
    matMulKernel(k, '_FusedMatMul'),
    convKernel(k, 'Conv2D'),
    convKernel(k, 'FusedConv2D'),
    convBackpropInputKernel(k),
    convBackpropFilterKernel(k),
    ...UNARY.map((name) => unaryKernel(k, name)),
    ...BINARY.map((name) => binaryKernel(k, name)),
    ...REDUCE.map((name) => reduceKernel(k, name)),
    transposeKernel(k),
    sliceKernel(k),
    splitKernel(k),
    padKernel(k),
    concatKernel(k),
  ];
  const replaced = new Set(overrides.map((o) => o.kernelName));
  for (const config of tf.getKernelsForBackend('cpu')) {
    if (!replaced.has(config.kernelName)) tf.registerKernel(unaliased(config));
  }
  for (const config of overrides) tf.registerKernel(config);
  if (adam) tf.registerKernel(adamKernel(adam));
}
