/**
 * The zoo from the command line and the app server: `vaekit zoo`, `zoo:<name>` wherever a run is opened,
 * unknown names, and the refusal to write into the zoo's folder.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAppServer } from '../../src/node/appServer.js';
import { readZoo, zooDir } from '../../src/node/zoo.js';
import { listFiles, removeTempDirs, tempDir, transcript, vaekitInProcess } from '../cli/helpers.js';

const { models } = readZoo();
const mnist = models.find((m) => m.data === 'mnist');
const cvae = models.find((m) => m.kind === 'cvae');
const zooFiles = listFiles(zooDir());

after(() => {
  removeTempDirs();
  assert.deepEqual(listFiles(zooDir()), zooFiles, 'nothing was written into the zoo');
});

test('vaekit zoo lists every model with its kind, data and figure; --json prints the manifest; --help', async () => {
  const r = await vaekitInProcess(['zoo'], tempDir());
  assert.equal(r.code, 0, transcript(r));
  const lines = r.stdout.split('\n');
  assert.match(lines[0], /^name\s+kind\s+data\s+figure\s+size$/);
  for (const m of models) {
    const row = lines.find((l) => l.startsWith(`${m.name} `));
    assert.ok(row, `${m.name} in\n${r.stdout}`);
    assert.match(row, new RegExp(`\\s${m.kind}\\s+${m.data}\\s+${m.figure.name.replace(/[()|]/g, '\\$&')} `));
  }
  const json = await vaekitInProcess(['zoo', '--json'], tempDir());
  assert.deepEqual(JSON.parse(json.stdout), readZoo());
  const help = await vaekitInProcess(['zoo', '--help'], tempDir());
  assert.match(help.stdout, /Usage: vaekit zoo/);
  assert.match(help.stdout, /zoo:<name>/);
});

test('eval zoo:<name> scores the zoo model and writes its figures under runs/zoo/<name>/ of the current directory', { skip: !mnist && 'no MNIST model in the zoo' }, async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['eval', `zoo:${mnist!.name}`, '--limit', '20', '--k', mnist!.check.k > 0 ? '5' : '0'], cwd);
  assert.equal(r.code, 0, transcript(r));
  assert.ok(r.stdout.includes(join(zooDir(), mnist!.file)), r.stdout);
  const written = JSON.parse(readFileSync(join(cwd, 'runs', 'zoo', mnist!.name, 'eval.json'), 'utf8'));
  assert.equal(written.images, 20);
});

test('a view of a zoo model writes beside its other outputs, not into the zoo', { skip: !cvae && 'no CVAE in the zoo' }, async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['sample', `zoo:${cvae!.name}`, '--label', '3', '--n', '4'], cwd);
  assert.equal(r.code, 0, transcript(r));
  assert.ok(existsSync(join(cwd, 'runs', 'zoo', cvae!.name, 'samples.png')), transcript(r));
});

test('an unknown zoo name is refused, listing the known ones', async () => {
  for (const command of ['eval', 'sample', 'report']) {
    const r = await vaekitInProcess([command, 'zoo:no-such-model'], tempDir());
    assert.equal(r.code, 2, transcript(r));
    assert.match(r.stderr, /zoo:no-such-model: no such model \(the zoo holds [^)]+; vaekit zoo lists them\)/);
    for (const m of models) assert.ok(r.stderr.includes(m.name), r.stderr);
  }
});

test('writing into the zoo folder is refused with --out, and a run directory there too', { skip: !cvae && 'no CVAE in the zoo' }, async () => {
  const name = `zoo:${cvae!.name}`;
  for (const args of [
    ['eval', name, '--limit', '5', '--out', join(zooDir(), 'eval.json')],
    ['sample', name, '--label', '1', '--out', join(zooDir(), 'samples.png')],
    ['train', '--epochs', '1', '--limit', '50', '--out', join(zooDir(), 'run')],
  ]) {
    const r = await vaekitInProcess(args, tempDir());
    assert.equal(r.code, 2, transcript(r));
    assert.match(r.stderr, /inside the model zoo .* which vaekit does not write into; choose another place/);
  }
});

test('the app server offers the zoo to the model picker: listed in the session, each checkpoint served by name', { skip: models.length === 0 && 'empty zoo' }, async () => {
  const appDir = tempDir();
  mkdirSync(appDir, { recursive: true });
  writeFileSync(join(appDir, 'index.html'), '<!doctype html><title>app</title>');
  const server = await startAppServer({ appDir, zoo: { dir: zooDir(), models } });
  try {
    const session = (await (await fetch(`${server.url}api/session`)).json()) as { zoo: { name: string; figure: string }[] };
    assert.deepEqual(session.zoo.map((m) => m.name), models.map((m) => m.name));
    const m = models[0];
    const bytes = new Uint8Array(await (await fetch(`${server.url}api/zoo/${m.name}`)).arrayBuffer());
    assert.deepEqual(bytes, new Uint8Array(readFileSync(join(zooDir(), m.file))));
    const missing = await fetch(`${server.url}api/zoo/no-such-model`);
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /no zoo model no-such-model \(the zoo holds/);
  } finally {
    await server.close();
  }
});
