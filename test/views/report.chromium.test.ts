/**
 * The report in a real browser: Debian's headless Chromium, driven by playwright-core, opens the file with the
 * network cut off and every picture and chart must render at a non-zero size, with no console error.
 * Skips when /usr/bin/chromium is absent (install with `apt-get install -y chromium`; .ci/run does).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { useTestBackend } from '../helpers/engine.js';
import { tinyReport } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} not found: install Debian's chromium package (apt-get install -y chromium) to run this test`;

/**
 * Runs in the page. A string, not a function: tsx compiles test functions with helpers (__name) that do not
 * exist in the page.
 */
const MEASURE = `(() => {
  const box = (e) => e.getBoundingClientRect();
  return {
    images: [...document.images].map((img) => ({ alt: img.alt, complete: img.complete, natural: [img.naturalWidth, img.naturalHeight], shown: [box(img).width, box(img).height] })),
    charts: [...document.querySelectorAll('svg')].map((svg) => ({ shown: [box(svg).width, box(svg).height], shapes: svg.querySelectorAll('path, circle, rect').length, drawn: [svg.getBBox().width, svg.getBBox().height] })),
  };
})()`;

interface Measured {
  images: { alt: string; complete: boolean; natural: number[]; shown: number[] }[];
  charts: { shown: number[]; shapes: number; drawn: number[] }[];
}

const dir = mkdtempSync(join(tmpdir(), 'vaekit-report-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('every image and chart of the report renders in headless Chromium, offline, without console errors', { skip, timeout: 60_000 }, async () => {
  await useTestBackend();
  const file = join(dir, 'report.html');
  writeFileSync(file, tinyReport());
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    // Anything but the file itself and inline data is a reference outside the report: refuse and record it.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
      problems.push(`request to ${url}`);
      return route.abort();
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const seen = (await page.evaluate(MEASURE)) as Measured;
    assert.deepEqual(problems, []);
    assert.equal(seen.images.length, 5, 'pictures in the report');
    for (const img of seen.images) {
      assert.ok(img.complete && img.natural[0] > 0 && img.natural[1] > 0, `${img.alt}: decoded ${img.natural}`);
      assert.deepEqual(img.shown, img.natural, `${img.alt}: shown at its own size`);
    }
    assert.equal(seen.charts.length, 4, 'the latent map and three training curves');
    for (const [i, chart] of seen.charts.entries()) {
      assert.ok(chart.shown[0] > 0 && chart.shown[1] > 0, `chart ${i}: box ${chart.shown}`);
      assert.ok(chart.drawn[0] > 0 && chart.drawn[1] > 0 && chart.shapes > 0, `chart ${i}: nothing drawn`);
    }
  } finally {
    await browser.close();
  }
});
