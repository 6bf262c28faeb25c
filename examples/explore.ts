/**
 * Open a trained run and use its model: encode test images, sample the prior, decode a walk through the code
 * space; the pictures are written beside the run's files.
 *
 *   node --import tsx examples/explore.ts --run runs/z2
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadRun } from 'vaekit';
import { limit } from 'vaekit/data';
import { loadDataset, writePng } from 'vaekit/node';
import { imageGrid, imagesFromBatch } from 'vaekit/views';

const { values } = parseArgs({ options: { run: { type: 'string', default: 'runs/z2' } } });
const run = await loadRun(values.run); // its best checkpoint
const { test } = await loadDataset({ data: run.config.data.data, dataDir: run.config.data.dataDir ?? undefined });

// The code of each of the first 1000 test images, and the mean code of each digit.
const images = limit(test, 1000);
const codes = run.encode(images);
const k = run.latentDim;
for (let digit = 0; digit < 10; digit++) {
  const rows = [...images.labels!.keys()].filter((i) => images.labels![i] === digit);
  const mean = Array.from({ length: k }, (_, j) => rows.reduce((sum, i) => sum + codes[i * k + j], 0) / rows.length);
  console.log(`digit ${digit}: mean code (${mean.map((v) => v.toFixed(2)).join(', ')}) over ${rows.length} images`);
}

// 64 samples: codes z ~ N(0, I) decoded to mean images.
const samples = run.sample(64, { seed: 1 });
writePng(join(values.run, 'example-samples.png'), imageGrid(imagesFromBatch(samples, 64, run.inputShape), { columns: 8, scale: 2 }));

// A straight line in code space from the first test image's code to the second's, decoded.
const steps = 10;
const walk = new Float32Array(steps * k);
for (let s = 0; s < steps; s++) for (let j = 0; j < k; j++) walk[s * k + j] = codes[j] + (s / (steps - 1)) * (codes[k + j] - codes[j]);
writePng(join(values.run, 'example-walk.png'), imageGrid(imagesFromBatch(run.decode(walk), steps, run.inputShape), { columns: steps, scale: 2 }));
console.log(`wrote example-samples.png and example-walk.png to ${values.run}`);
run.dispose();
