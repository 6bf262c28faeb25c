/**
 * Reading tensors back to JavaScript. On the CPU backends (native, wasm, cpu, tfjs-node) a tensor's values are
 * in memory and `dataSync` costs nothing; on the GPU backends it stalls the pipeline (WebGL), or is not offered
 * at all (WebGPU in a browser: tfjs' stand-in through an OffscreenCanvas leaves the device unusable). There a
 * read is `await data()`. Code that reads as it goes is written once, as a generator that yields each tensor
 * to read and is handed back its values; `settle` runs it synchronously or asynchronously as the backend asks.
 */
import * as tf from '@tensorflow/tfjs';

export type MaybePromise<T> = T | Promise<T>;

/** A computation that yields the tensors it reads (each disposed once read) and returns `R`. */
export type Reads<R> = Generator<tf.Tensor, R, ArrayLike<number>>;

/** Backends whose tensors live in GPU memory. */
const GPU_BACKENDS = new Set(['webgpu', 'webgl']);

/** Whether the backend in use should be read asynchronously. */
export function readsAsync(): boolean {
  return GPU_BACKENDS.has(tf.getBackend());
}

/** `f` of `value`, at once when it is a value, else when the promise settles. */
export function then<T, U>(value: MaybePromise<T>, f: (v: T) => U): MaybePromise<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}

/** The values of `t` (disposed): at once on a CPU backend, else a promise. */
export function readValues(t: tf.Tensor): MaybePromise<Float32Array> {
  if (!readsAsync()) {
    const values = t.dataSync() as Float32Array;
    t.dispose();
    return values;
  }
  return t.data().then(
    (values) => {
      t.dispose();
      return values as Float32Array;
    },
    (e: unknown) => {
      t.dispose();
      throw e;
    },
  );
}

/** Runs `work` with synchronous reads. */
export function settleSync<R>(work: Reads<R>): R {
  let step = work.next();
  while (!step.done) {
    const t = step.value;
    const values = t.dataSync();
    t.dispose();
    step = work.next(values);
  }
  return step.value;
}

/** Runs `work` with asynchronous reads. */
export async function settleAsync<R>(work: Reads<R>): Promise<R> {
  let step = work.next();
  while (!step.done) {
    const t = step.value;
    try {
      step = work.next(await t.data());
    } finally {
      t.dispose();
    }
  }
  return step.value;
}

/** Runs `work` reading as the backend asks: synchronously on a CPU backend (the result itself), else a promise. */
export function settle<R>(work: Reads<R>): MaybePromise<R> {
  return readsAsync() ? settleAsync(work) : settleSync(work);
}
