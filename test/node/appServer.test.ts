/** The server behind `vaekit serve`, in process: its endpoints, headers and refusals. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeDatasetBinary } from '../../src/data/datasetBinary.js';
import { AppServer, hostHeaderAllowed, startAppServer } from '../../src/node/appServer.js';
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
  assert.deepEqual(session, { checkpoint: { name: 'vae-mnist-z2.ckpt', bytes: readFileSync(DEMO).length }, data: { name: 'mnist' }, zoo: [] });
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

/** A GET with a raw Host header (fetch would set its own): status and body. */
function getWithHost(url: string, path: string, host: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const { hostname, port } = new URL(url);
    const req = request({ host: hostname.replace(/^\[|\]$/g, ''), port, path, setHost: host !== undefined, headers: host === undefined ? {} : { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail).end();
  });
}

test('only requests naming this server in their Host header are answered: a rebound name gets 403, not the checkpoint', async () => {
  const { port } = new URL(server.url);
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
    const res = await getWithHost(server.url, '/api/checkpoint', host);
    assert.equal(res.status, 200, host);
  }
  for (const host of [`attacker.com:${port}`, 'attacker.com', `127.0.0.1.attacker.com:${port}`, `localhost:${Number(port) + 1}`, 'localhost', `evil.com@localhost:${port}`]) {
    for (const path of ['/api/checkpoint', '/api/data/test?limit=1', '/api/session', '/']) {
      const res = await getWithHost(server.url, path, host);
      assert.equal(res.status, 403, `${host} ${path}`);
      assert.match(res.body, /is not this server: open http:\/\/127\.0\.0\.1:\d+\//, host);
      assert.ok(res.body.length < 200, res.body);
    }
  }
  const none = await getWithHost(server.url, '/api/checkpoint', undefined);
  assert.ok(none.status === 400 || none.status === 403, `no Host header: ${none.status}`);
});

test('the Host check: loopback names with the port, the address listened on, and for a wildcard address every address of this machine', () => {
  const loopback = hostHeaderAllowed('127.0.0.1', 5757);
  for (const ok of ['127.0.0.1:5757', 'localhost:5757', '[::1]:5757']) assert.ok(loopback(ok), ok);
  for (const no of [undefined, '', 'attacker.com:5757', '127.0.0.1:5758', '127.0.0.1', '192.168.1.20:5757', '[::1', 'localhost:5757:1']) assert.ok(!loopback(no), String(no));
  assert.ok(hostHeaderAllowed('127.0.0.1', 80)('localhost'), 'no port: 80');
  const lan = hostHeaderAllowed('192.168.1.20', 8080);
  assert.ok(lan('192.168.1.20:8080') && lan('localhost:8080'));
  assert.ok(!lan('attacker.com:8080'));
  assert.ok(hostHeaderAllowed('::1', 9)('[::1]:9'));
  const any = hostHeaderAllowed('0.0.0.0', 8080);
  const addresses = Object.values(networkInterfaces()).flatMap((a) => a ?? []).map((a) => (a.family === 'IPv6' ? `[${a.address}]` : a.address));
  for (const a of addresses) assert.ok(any(`${a}:8080`), a);
  assert.ok(!any('attacker.com:8080'));
});

test('a null byte, a path too long for the file system, and a server-side failure never show a local path', async () => {
  const cases: [string, number][] = [
    ['%00', 400],
    ['index.html%00.png', 400],
    ['a'.repeat(8000), 404],
    [`${'a'.repeat(300)}/x.js`, 404],
    [`wasm/${'b'.repeat(5000)}`, 404],
    [`api/${'c'.repeat(8000)}`, 404],
  ];
  for (const [path, status] of cases) {
    const res = await fetch(server.url + path);
    const body = await res.text();
    assert.equal(res.status, status, path.slice(0, 40));
    assert.ok(!body.includes(dir), `${path.slice(0, 40)}: ${body.slice(0, 200)}`);
    assert.ok(body.length < 200, body.slice(0, 300));
  }
  // A data set that cannot be read: a 500 that says nothing of where it looked; the server is told why.
  const errors: Error[] = [];
  const broken = await startAppServer({ appDir, data: { data: join(dir, 'no-such-data') }, onError: (e) => errors.push(e) });
  try {
    const res = await fetch(`${broken.url}api/data/train`);
    const body = await res.text();
    assert.equal(res.status, 500);
    assert.ok(!body.includes(dir), body);
    assert.match(errors[0]?.message ?? '', /no-such-data/);
  } finally {
    await broken.close();
  }
});

test('without a checkpoint or data set, those endpoints say how to get them', async () => {
  const bare = await startAppServer({ appDir });
  try {
    assert.deepEqual(await (await fetch(`${bare.url}api/session`)).json(), { checkpoint: null, data: null, zoo: [] });
    assert.equal((await fetch(`${bare.url}api/zoo/any`)).status, 404, 'no zoo offered');
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
