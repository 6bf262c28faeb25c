import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/node/backend.js';

/** Starts the engine the tests run on: wasm by default, VAEKIT_TEST_BACKEND to choose another. */
export async function useTestBackend(): Promise<string> {
  return initBackend((process.env.VAEKIT_TEST_BACKEND as 'wasm' | 'cpu' | undefined) ?? 'wasm');
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

/** The shared real data sets (../shared/data beside the repository), or null when absent. */
export const SHARED_DATA = new URL('../../../shared/data/', import.meta.url).pathname;
