/**
 * The browser app on the GPU backends, in headless Chromium whose GPU is SwiftShader (the GPU's work done on
 * the CPU, so every machine can run it): WebGPU (`?backend=webgpu`) and WebGL (`?backend=webgl`). On each the
 * badge names the GPU, the explorer decodes under the pointer, a drawn stroke is reconstructed, and a short
 * training in the tab (9 steps of a tiny VAE, then validation, samples and the scatter's codes, all read back
 * asynchronously) runs to its end with the shown loss falling. No console error, nor a warning about the GPU
 * (tfjs warns on a synchronous read from WebGPU). The WebGL page has no WebGPU adapter, so it also shows that
 * a missing adapter costs no warning. Skips when /usr/bin/chromium is absent (.ci/run installs it), and WebGPU
 * alone when this Chromium offers no adapter.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { Browser, chromium, Page } from 'playwright-core';
import { AppServer, startAppServer } from '../../src/node/appServer.js';
import { builtApp } from './build.js';
import { fullOnly } from '../helpers/tiers.js';

const CHROMIUM = '/usr/bin/chromium';
const BASE = ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** WebGPU on Chromium's bundled SwiftShader Vulkan driver; WebGL on ANGLE's SwiftShader. */
const GPU_ARGS = {
  webgpu: ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-webgpu-adapter=swiftshader', '--enable-unsafe-swiftshader'],
  webgl: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
};
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} not found: install Debian's chromium package (apt-get install -y chromium) to run this test`;

let server: AppServer;

before(async () => {
  if (skip) return;
  server = await startAppServer({ appDir: await builtApp(), data: { data: 'mnist' } });
});

after(async () => {
  await server?.close();
});

/**
 * The app on one backend in a fresh browser; every console error or warning and page error is collected.
 * `noAdapter`: the page says this Chromium offers no WebGPU adapter.
 */
async function openApp(backend: 'webgpu' | 'webgl'): Promise<{ browser: Browser; page: Page; problems: string[]; noAdapter: boolean }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...BASE, ...GPU_ARGS[backend]] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    // Warnings about the GPU count; Chromium's advice on this test's own getImageData calls does not.
    if (m.type() === 'error' || (m.type() === 'warning' && /gpu|adapter|webgl/i.test(m.text()))) problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`${server.url}?backend=${backend}`);
  await page.waitForFunction(`document.body.dataset.ready === 'true' || !document.getElementById('error').hidden`, undefined, { timeout: 60_000 });
  const noAdapter = /offers no WebGPU adapter/.test((await page.isVisible('#error')) ? ((await page.textContent('#error')) ?? '') : '');
  return { browser, page, problems, noAdapter };
}

async function decodedAt(page: Page, fx: number, fy: number): Promise<{ z: string; pixels: number[] }> {
  const box = (await page.locator('#plane').boundingBox())!;
  const frames = await page.evaluate(`Number(document.getElementById('decoded').dataset.frames ?? 0)`);
  await page.mouse.move(box.x + fx * box.width, box.y + fy * box.height);
  await page.waitForFunction(`Number(document.getElementById('decoded').dataset.frames) > ${frames}`);
  await page.waitForTimeout(200);
  const z = (await page.getAttribute('#decoded', 'data-z')) ?? '';
  const pixels = (await page.evaluate(`(() => { const c = document.getElementById('decoded'); return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data); })()`)) as number[];
  return { z, pixels };
}

for (const backend of ['webgpu', 'webgl'] as const) {
  // WebGL is the fallback of browsers without WebGPU, and runs the same tfjs graph: CI checks it.
  const skipped = skip || (backend === 'webgl' && fullOnly('the app on WebGL'));
  test(`${backend} on SwiftShader: the badge names it; explorer, drawing and training in the tab work`, { skip: skipped, timeout: 240_000 }, async (t) => {
    const { browser, page, problems, noAdapter } = await openApp(backend);
    try {
      if (noAdapter) {
        t.skip('this Chromium offers no WebGPU adapter on SwiftShader');
        return;
      }
      assert.equal(await page.isVisible('#error'), false, (await page.textContent('#error')) ?? '');
      const badge = (await page.textContent('#backend')) ?? '';
      console.log(`# ${badge}`);
      assert.equal(await page.getAttribute('#backend', 'data-backend'), backend);
      assert.match(badge, /swiftshader/i, 'the badge names the adapter or renderer');

      const a = await decodedAt(page, 0.2, 0.25);
      const b = await decodedAt(page, 0.8, 0.75);
      assert.notEqual(a.z, b.z);
      const diff = a.pixels.reduce((s, v, i) => s + Math.abs(v - b.pixels[i]), 0) / a.pixels.length;
      assert.ok(diff > 5, `decoded images differ across the plane (mean |difference| ${diff.toFixed(2)})`);

      const pad = (await page.locator('#pad').boundingBox())!;
      await page.mouse.move(pad.x + pad.width * 0.55, pad.y + pad.height * 0.15);
      await page.mouse.down();
      await page.mouse.move(pad.x + pad.width * 0.45, pad.y + pad.height * 0.85, { steps: 15 });
      await page.mouse.up();
      await page.waitForFunction(`Boolean(document.getElementById('reconstruction').dataset.z) || !document.getElementById('error').hidden`, undefined, { timeout: 60_000 });
      assert.equal(await page.isVisible('#error'), false, (await page.textContent('#error')) ?? '');
      const recon = ((await page.evaluate(`(() => { const c = document.getElementById('reconstruction'); return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data); })()`)) as number[]).filter((_, i) => i % 4 === 0);
      assert.ok(Math.max(...recon) > 100, 'the reconstruction is not blank');

      // 450 training images in batches of 50: 9 steps, then validation on the 50 held out.
      await page.fill('#train-form [name=latent]', '2');
      await page.fill('#train-form [name=hidden]', '32');
      await page.fill('#train-form [name=images]', '500');
      await page.fill('#train-form [name=batch]', '50');
      await page.fill('#train-form [name=epochs]', '1');
      await page.fill('#train-form [name=lr]', '0.01');
      // Every loss the page shows, in order.
      await page.evaluate(`(() => {
        const el = document.getElementById('train-loss');
        window.shownLosses = [];
        new MutationObserver(() => window.shownLosses.push(Number(el.dataset.value))).observe(el, { attributeFilter: ['data-value'] });
      })()`);
      await page.click('#train-start');
      await page.waitForFunction(`/^(finished|training failed)/.test(document.getElementById('train-status').textContent)`, undefined, { timeout: 180_000 });
      const status = (await page.textContent('#train-status')) ?? '';
      const shown = (await page.evaluate('window.shownLosses')) as number[];
      console.log(`# ${backend}: ${status}; shown losses ${shown.map((v) => v.toFixed(1)).join(', ')}`);
      assert.match(status, /^finished after 9 steps \(1 epoch, validation \d/, (await page.textContent('#error')) ?? '');
      assert.ok(shown.length >= 2 && shown.every((v) => Number.isFinite(v) && v > 0), `shown losses ${shown}`);
      assert.ok(shown.at(-1)! < shown[0], `the shown loss falls: ${shown[0]} -> ${shown.at(-1)}`);
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  });
}
