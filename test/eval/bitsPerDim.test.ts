import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BYTE_BIN_WIDTH, bitsPerDim, bitsPerDimKind, dequantizeBatch } from '../../src/eval/bitsPerDim.js';

test('bitsPerDim: hand-computed values', () => {
  // A uniform density on [0, 1]^D (nll 0) over data scaled by 1/256: log2(256) = 8 bits per value.
  assert.equal(bitsPerDim(0, 3072, 1 / 256), 8);
  // On vaekit's scale x = b / 255 the bins are 1/255 wide: log2(255) = 7.994353436858858.
  assert.ok(Math.abs(bitsPerDim(0, 3072, BYTE_BIN_WIDTH) - 7.994353436858858) < 1e-12);
  // A probability mass function, uniform over 256 levels: nll = D ln 256 nats -> 8 bits, no correction.
  assert.ok(Math.abs(bitsPerDim(3072 * Math.log(256), 3072, 1) - 8) < 1e-12);
  // nll 5000 nats over 3072 values, w = 1/256: (5000 / 3072 + ln 256) / ln 2 = (1.6276042 + 5.5451774) / 0.6931472 = 10.348136.
  assert.ok(Math.abs(bitsPerDim(5000, 3072, 1 / 256) - 10.348136) < 1e-6);
  // A density can exceed 1 (negative nll): CIFAR-scale -2000 nats with w = 1/255 -> (-0.6510417 + 5.5412635) / 0.6931472 = 7.055099 bits/dim.
  assert.ok(Math.abs(bitsPerDim(-2000, 3072, 1 / 255) - (-2000 / 3072 + Math.log(255)) / Math.LN2) < 1e-12);
  assert.ok(Math.abs(bitsPerDim(-2000, 3072, 1 / 255) - 7.055099) < 1e-6);
  assert.throws(() => bitsPerDim(1, 0, 1), /dims 0: expected a positive integer/);
  assert.throws(() => bitsPerDim(1, 10, 0), /bin width 0: expected a number in \(0, 1\]/);
});

test('the dequantized bound: a logistic density scored on dequantized data bounds the discretized logistic mass', () => {
  // One value, a logistic(mean, s) density; the exact discrete mass of byte b is the CDF difference over its
  // bin, and E_u[-log p(b w + (u - 1/2) w)] - log w (Jensen; Theis et al. 2016) must bound -log P(b) from above.
  const sig = (t: number) => 1 / (1 + Math.exp(-t));
  const logPdf = (x: number, m: number, s: number) => {
    const t = (x - m) / s;
    return -t - Math.log(s) - 2 * Math.log1p(Math.exp(-t));
  };
  for (const [b, m, s] of [[100, 0.4, 0.02], [100, 0.4, 0.002], [30, 0.5, 0.1]]) {
    const x = b * BYTE_BIN_WIDTH;
    const exact = -Math.log(sig((x + BYTE_BIN_WIDTH / 2 - m) / s) - sig((x - BYTE_BIN_WIDTH / 2 - m) / s)) / Math.LN2;
    let mean = 0;
    const n = 10000; // midpoint rule over u in [0, 1)
    for (let i = 0; i < n; i++) mean -= logPdf(x + ((i + 0.5) / n - 0.5) * BYTE_BIN_WIDTH, m, s) / n;
    const bound = bitsPerDim(mean, 1, BYTE_BIN_WIDTH);
    assert.ok(bound >= exact - 1e-9, `byte ${b}, s ${s}: bound ${bound} < exact ${exact}`);
    // Tight when the density is smooth across a bin (s >> w), loose only when it is not.
    if (s >= 0.02) assert.ok(bound - exact < 1e-3, `byte ${b}, s ${s}: bound ${bound} vs exact ${exact}`);
  }
});

test('dequantizeBatch keeps each value in its own bin and gives an image the same noise in any batch', () => {
  const dim = 6;
  const bytes = [0, 17, 128, 254, 255, 3, 9, 9, 9, 9, 9, 9, 200, 100, 50, 25, 12, 6];
  const whole = dequantizeBatch(Float32Array.from(bytes, (b) => b / 255), dim, 0, { seed: 4 });
  bytes.forEach((b, i) => assert.ok(Math.abs(whole[i] - b / 255) <= BYTE_BIN_WIDTH / 2 + 1e-7, `value ${i}`));
  assert.ok(whole.some((v, i) => v !== bytes[i] / 255));
  // the third image alone, as the first row of a later batch
  const alone = dequantizeBatch(Float32Array.from(bytes.slice(12), (b) => b / 255), dim, 2, { seed: 4 });
  assert.deepEqual([...alone], [...whole.subarray(12)]);
  const otherSeed = dequantizeBatch(Float32Array.from(bytes, (b) => b / 255), dim, 0, { seed: 5 });
  assert.notDeepEqual([...otherSeed], [...whole]);
});

test('which decoders get which bits/dim treatment', () => {
  assert.equal(bitsPerDimKind('gaussian'), 'continuous');
  assert.equal(bitsPerDimKind('gaussian-learned'), 'continuous');
  assert.equal(bitsPerDimKind('discretized-logistic'), 'discrete');
  assert.equal(bitsPerDimKind('bernoulli'), 'none');
});
