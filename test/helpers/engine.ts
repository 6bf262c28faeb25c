import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/node/backend.js';
import { MaybePromise } from '../../src/tensorReads.js';

/** Starts the engine the tests run on: wasm by default, VAEKIT_TEST_BACKEND to choose another. */
export async function useTestBackend(): Promise<string> {
  return initBackend((process.env.VAEKIT_TEST_BACKEND as 'wasm' | 'cpu' | undefined) ?? 'wasm');
}

/** A value a CPU backend gives at once (src/tensorReads.ts); fails if it came as a promise. */
export function readNow<T>(value: MaybePromise<T>): T {
  assert.ok(!(value instanceof Promise), `tfjs ${tf.getBackend()} is read synchronously`);
  return value as T;
}

/** Runs `f` and fails if it leaves tensors behind. */
export async function assertNoLeak<T>(f: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await f();
  assert.equal(tf.memory().numTensors, before, `leaked ${tf.memory().numTensors - before} tensors`);
  return out;
}

/** Asserts |a - b| <= atol + rtol * |b| element-wise. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-6, what = 'values'): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const tol = atol + rtol * Math.abs(expected[i]);
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      assert.fail(`${what}[${i}]: ${actual[i]} vs expected ${expected[i]} (tolerance ${tol})`);
    }
  }
}

/**
 * Relative agreement of whole arrays, for gradients whose small entries carry only rounding: max |a - b| <=
 * rtol * max |b|, and b not all zero.
 */
export function assertAgree(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: lengths`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < actual.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  assert.ok(scale > 0, `${what}: the reference is all zero`);
  assert.ok(diff <= rtol * scale, `${what}: max difference ${diff} against max magnitude ${scale}`);
}

/** The shared real data sets (../shared/data beside the repository), or null when absent. */
export const SHARED_DATA = new URL('../../../shared/data/', import.meta.url).pathname;
