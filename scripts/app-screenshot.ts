/**
 * The browser app's pictures in the README, taken by headless Chromium (playwright-core, Debian's chromium):
 *   docs/app.png           the demo model: the pointer on the latent plane and a drawn digit
 *   docs/app-training.png  the training panel after a short run in the tab
 * Usage: npm run build:web && node --import tsx scripts/app-screenshot.ts
 */
import { chromium, Page } from 'playwright-core';
import { defaultAppDir, startAppServer } from '../src/node/appServer.js';

const DOCS = new URL('../docs/', import.meta.url).pathname;
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Draws a polyline given in fractions of the element's box. */
async function stroke(page: Page, selector: string, points: [number, number][]): Promise<void> {
  const box = (await page.locator(selector).boundingBox())!;
  const at = ([fx, fy]: [number, number]) => [box.x + fx * box.width, box.y + fy * box.height] as const;
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 8 });
  await page.mouse.up();
}

const server = await startAppServer({ appDir: defaultAppDir(), data: { data: 'mnist' } });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]');
  // A "2": an arc, a diagonal, a base line.
  await stroke(page, '#pad', [[0.3, 0.32], [0.38, 0.2], [0.52, 0.16], [0.66, 0.22], [0.7, 0.35], [0.62, 0.5], [0.45, 0.65], [0.3, 0.8], [0.5, 0.8], [0.74, 0.79]]);
  await page.waitForFunction(`Boolean(document.getElementById('reconstruction').dataset.z)`);
  const plane = (await page.locator('#plane').boundingBox())!;
  await page.mouse.move(plane.x + plane.width * 0.62, plane.y + plane.height * 0.42, { steps: 10 });
  await page.waitForTimeout(1200);
  await page.screenshot({ path: `${DOCS}app.png`, clip: { x: 0, y: 0, width: 1280, height: 620 } });

  await page.fill('#train-form [name=epochs]', '3');
  const t0 = Date.now();
  await page.click('#train-start');
  await page.waitForFunction(`/^finished/.test(document.getElementById('train-status').textContent)`, undefined, { timeout: 300_000 });
  const seconds = (Date.now() - t0) / 1000;
  await page.locator('#train-panel').screenshot({ path: `${DOCS}app-training.png` });
  // 10,000 served images less 1,000 held out for validation, 3 epochs; the time includes fetching, validation and samples.
  console.log(`${DOCS}app.png\n${DOCS}app-training.png\n${await page.textContent('#train-status')} in ${seconds.toFixed(1)} s: ${((3 * 9000) / seconds).toFixed(0)} images/s on ${await page.textContent('#backend')}`);
} finally {
  await browser.close();
  await server.close();
}
