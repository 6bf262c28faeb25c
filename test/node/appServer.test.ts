/** The server behind `vaekit serve`, in process: its endpoints, headers and refusals. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeDatasetBinary } from '../../src/data/datasetBinary.js';
import { AppServer, startAppServer } from '../../src/node/appServer.js';
import { loadDataset } from '../../src/node/datasets.js';

const DEMO = new URL('../../web/public/demo/vae-mnist-z2.ckpt', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'vaekit-serve-'));
const appDir = join(dir, 'app');
let server: AppServer;

before(async () => {
  mkdirSync(join(appDir, 'wasm'), { recursive: true });
  writeFileSync(join(appDir, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(appDir, 'wasm', 'x.wasm'), new Uint8Array([0, 97, 115, 109]));
  writeFileSync(join(dir, 'secret.txt'), 'outside the app');
  server = await startAppServer({ appDir, checkpoint: DEMO, data: { data: 'mnist' } });
});

after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('it listens on the loopback address by default and serves the app with the isolation headers', async () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const res = await fetch(server.url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
  assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(res.headers.get('cross-origin-embedder-policy'), 'require-corp');
  assert.equal(await res.text(), '<!doctype html><title>app</title>');
  const wasm = await fetch(`${server.url}wasm/x.wasm`);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm', 'streaming compilation needs the wasm type');
});

test('the session names the checkpoint and data set; the checkpoint comes back byte for byte', async () => {
  const session = await (await fetch(`${server.url}api/session`)).json();
  assert.deepEqual(session, { checkpoint: { name: 'vae-mnist-z2.ckpt', bytes: readFileSync(DEMO).length }, data: { name: 'mnist' } });
  const ckpt = new Uint8Array(await (await fetch(`${server.url}api/checkpoint`)).arrayBuffer());
  assert.deepEqual(ckpt, new Uint8Array(readFileSync(DEMO)));
});

test('the data endpoints send the CLI\'s MNIST, the first N images with their labels', async () => {
  const mnist = await loadDataset({ data: 'mnist' });
  const test7 = decodeDatasetBinary(new Uint8Array(await (await fetch(`${server.url}api/data/test?limit=7`)).arrayBuffer()), 'test');
  assert.equal(test7.count, 7);
  assert.deepEqual(test7.shape, [28, 28, 1]);
  assert.deepEqual(test7.images, mnist.test.images.subarray(0, 7 * 784));
  assert.deepEqual(test7.labels, mnist.test.labels!.subarray(0, 7));
  const train = decodeDatasetBinary(new Uint8Array(await (await fetch(`${server.url}api/data/train?limit=5`)).arrayBuffer()), 'train');
  assert.deepEqual(train.labels, mnist.train.labels!.subarray(0, 5));
});

test('bad requests are refused with a status and a reason; nothing outside the app is served', async () => {
  const cases: [string, number, RegExp][] = [
    ['api/data/train?limit=ten', 400, /limit=ten: expected a whole number/],
    ['api/nothing', 404, /unknown endpoint/],
    ['missing.js', 404, /not found/],
    ['%2e%2e/secret.txt', 404, /not found/],
    ['..%2fsecret.txt', 404, /not found/],
  ];
  for (const [path, status, message] of cases) {
    const res = await fetch(server.url + path);
    assert.equal(res.status, status, path);
    assert.match(await res.text(), message, path);
  }
  // A raw request line, which fetch would have normalized: the path climbs out of the app folder.
  const raw = await new Promise<number>((done, fail) => {
    const { port } = new URL(server.url);
    request({ host: '127.0.0.1', port, path: '/../secret.txt' }, (res) => {
      res.resume();
      done(res.statusCode ?? 0);
    }).on('error', fail).end();
  });
  assert.equal(raw, 404, '/../secret.txt');
  const post = await fetch(`${server.url}api/session`, { method: 'POST' });
  assert.equal(post.status, 405);
});

test('without a checkpoint or data set, those endpoints say how to get them', async () => {
  const bare = await startAppServer({ appDir });
  try {
    assert.deepEqual(await (await fetch(`${bare.url}api/session`)).json(), { checkpoint: null, data: null });
    const ckpt = await fetch(`${bare.url}api/checkpoint`);
    assert.equal(ckpt.status, 404);
    assert.match(await ckpt.text(), /vaekit serve <checkpoint>/);
    assert.equal((await fetch(`${bare.url}api/data/train`)).status, 404);
  } finally {
    await bare.close();
  }
});

test('an unbuilt app, a taken port and a missing checkpoint are errors that name them', async () => {
  await assert.rejects(startAppServer({ appDir: join(dir, 'nothing') }), /the browser app is not built .*npm run build:web/);
  await assert.rejects(startAppServer({ appDir, checkpoint: join(dir, 'none.ckpt') }), /checkpoint not found: .*none\.ckpt/);
  const blocker = createServer();
  await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
  const port = (blocker.address() as { port: number }).port;
  try {
    await assert.rejects(startAppServer({ appDir, port }), new RegExp(`--port ${port}: already in use`));
  } finally {
    blocker.close();
  }
});
