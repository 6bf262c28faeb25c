import assert from 'node:assert/strict';
import { test } from 'node:test';
import { medianDistance, mmdSquared } from '../../src/eval/mmd.js';
import { Rng } from '../../src/rng.js';

function normal(n: number, dim: number, rng: Rng, shift = 0): Float32Array {
  return Float32Array.from({ length: n * dim }, () => rng.normal() + shift);
}

test('MMD^2_u on two points per sample equals the hand-computed value', () => {
  // x = {0, 1}, y = {0, 2}, sigma = 1: k(0,1) = e^-1/2, k(0,2) = e^-2, k(1,2) = e^-1/2, k(0,0) = 1.
  // within x: e^-1/2; within y: e^-2; cross: (1 + e^-2 + 2 e^-1/2) / 4, counted twice.
  const expected = Math.exp(-0.5) + Math.exp(-2) - (1 + Math.exp(-2) + 2 * Math.exp(-0.5)) / 2;
  assert.ok(Math.abs(mmdSquared(Float32Array.of(0, 1), Float32Array.of(0, 2), 1, 1) - expected) < 1e-12);
  assert.equal(medianDistance(Float32Array.of(0, 0, 3, 4), 2), 5);
});

test('MMD^2 is near 0 for two samples of one law and clearly positive for shifted ones', () => {
  const rng = new Rng(7);
  const x = normal(600, 2, rng);
  const sigma = medianDistance(x, 2);
  assert.ok(sigma > 1.2 && sigma < 2.2, `median distance of N(0, I) in 2-D: ${sigma}`);
  const same = mmdSquared(x, normal(600, 2, rng), 2, sigma);
  const shifted = mmdSquared(x, normal(600, 2, rng, 1), 2, sigma);
  assert.ok(Math.abs(same) < 0.01, `same law: ${same}`);
  assert.ok(shifted > 0.1, `shifted by 1: ${shifted}`);
  assert.ok(mmdSquared(x, normal(600, 2, rng, 3), 2, sigma) > shifted, 'a larger shift should score higher');
});
