/**
 * The picture commands end to end on a tiny checkpoint trained by the built CLI in a temporary directory (one
 * epoch on 1,200 MNIST images, latent 3). The commands run through the CLI's `main` in this process (the same
 * exit code, output and files, without a Node start and a tfjs load each). Each writes one file and prints its
 * path.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodePng } from '../../src/node/png.js';
import { CliResult, listFiles, removeTempDirs, tempDir, transcript, vaekit, buildOnce, vaekitInProcess } from './helpers.js';

let cwd = '';
let trained: CliResult;

before(() => {
  buildOnce();
  cwd = tempDir();
  trained = vaekit(['train', '--limit', '1200', '--val-size', '200', '--hidden', '32', '--latent', '3', '--epochs', '1', '--out', 'run'], cwd);
  assert.equal(trained.code, 0, transcript(trained));
});
after(() => removeTempDirs());

/** Runs a command that must succeed and print the one path it wrote. */
async function written(args: string[]): Promise<string> {
  const r = await vaekitInProcess(args, cwd);
  assert.equal(r.code, 0, transcript(r));
  const path = r.stdout.trim();
  assert.ok(existsSync(join(cwd, path)), `${path} not written\n${transcript(r)}`);
  return join(cwd, path);
}

function pngSize(path: string): [number, number] {
  const img = decodePng(new Uint8Array(readFileSync(path)));
  return [img.width, img.height];
}

/** A refusal: exit 2, the message on stderr, and no file written. */
async function refused(args: string[], message: RegExp): Promise<void> {
  const before = listFiles(cwd);
  const r = await vaekitInProcess(args, cwd);
  assert.equal(r.code, 2, transcript(r));
  assert.match(r.stderr, message, transcript(r));
  assert.deepEqual(listFiles(cwd), before, `no file should be written\n${transcript(r)}`);
}

test('train ends by naming the picture commands that apply', () => {
  for (const c of ['vaekit sample run', 'vaekit reconstruct run', 'vaekit manifold run --dims 0,1', 'vaekit embed run', 'vaekit interpolate run --from 0 --to 1', 'vaekit traverse run', 'vaekit report run']) {
    assert.ok(trained.stdout.includes(c), `"${c}" missing\n${transcript(trained)}`);
  }
});

test('sample: a seeded grid of decoded prior draws, 28x28 cells with 1-pixel separators', async () => {
  const a = await written(['sample', 'run', '--n', '6', '--columns', '3', '--scale', '1', '--seed', '5']);
  assert.equal(a, join(cwd, 'run', 'samples.png'));
  assert.deepEqual(pngSize(a), [3 * 28 + 2, 2 * 28 + 1]);
  const first = readFileSync(a);
  await written(['sample', 'run', '--n', '6', '--columns', '3', '--scale', '1', '--seed', '5']);
  assert.deepEqual(readFileSync(a), first, 'same seed, same picture');
  await written(['sample', 'run', '--n', '6', '--columns', '3', '--scale', '1', '--seed', '6']);
  assert.notDeepEqual(readFileSync(a), first, 'another seed, other samples');
});

test('sample --draw: binary draws x ~ p(x|z) from the Bernoulli decoder, not its grey means; refused given a label', async () => {
  const mean = decodePng(new Uint8Array(readFileSync(await written(['sample', 'run', '--n', '4', '--scale', '1', '--out', 'mean.png']))));
  const draw = decodePng(new Uint8Array(readFileSync(await written(['sample', 'run', '--n', '4', '--scale', '1', '--draw', '--out', 'draw.png']))));
  assert.deepEqual([draw.width, draw.height], [mean.width, mean.height]);
  // Inside the cells (the first 28x28 one), a draw's pixels are black or white; the mean has grey levels.
  const cell = (img: { data: Uint8Array; width: number }) => Array.from({ length: 28 * 28 }, (_, p) => img.data[4 * (Math.floor(p / 28) * img.width + (p % 28))]);
  assert.ok(cell(draw).every((v) => v === 0 || v === 255), 'a Bernoulli draw is binary');
  assert.ok(cell(mean).some((v) => v > 0 && v < 255), 'the mean has grey levels');
  await refused(['sample', 'run', '--draw', '--label', '3'], /--label: model kind vae does not decode given a label/);
});

test('reconstruct from a .ckpt file into a new folder, pairs side by side at 2x', async () => {
  const p = await written(['reconstruct', 'run/last.ckpt', '--n', '4', '--pairs', '2', '--out', 'pictures/rec.png']);
  assert.equal(p, join(cwd, 'pictures', 'rec.png'));
  assert.deepEqual(pngSize(p), [4 * 56 + 3, 2 * 56 + 1]);
});

test('manifold over two chosen dimensions of a 3-D latent; out-of-range dimensions are refused', async () => {
  assert.deepEqual(pngSize(await written(['manifold', 'run', '--grid', '4', '--scale', '1'])), [4 * 28 + 3, 4 * 28 + 3]);
  assert.deepEqual(pngSize(await written(['manifold', 'run', '--dims', '2,0', '--grid', '3', '--out', 'm20.png'])), [3 * 56 + 2, 3 * 56 + 2]);
  await refused(['manifold', 'run', '--dims', '0,7'], /--dims 0,7: latent dimension 7 out of range: this model's latent dimensions are 0\.\.2/);
  await refused(['manifold', 'run', '--dims', '1'], /--dims: expected two latent dimensions/);
  await refused(['manifold', 'run', '--grid', '1'], /--grid/);
});

test('embed: an SVG scatter of latent means in label colours, projected on principal components', async () => {
  const p = await written(['embed', 'run', '--limit', '300']);
  assert.equal(p, join(cwd, 'run', 'embedding.svg'));
  const svg = readFileSync(p, 'utf8');
  assert.match(svg, /^<svg/);
  assert.match(svg, /3-D latent means projected on their first two principal components/);
  for (const colour of ['#4e79a7', '#f28e2b', '#bab0ac']) assert.ok(svg.includes(`fill="${colour}"`), colour);
});

test('interpolate (spherical) and traverse; image indices are checked', async () => {
  assert.deepEqual(pngSize(await written(['interpolate', 'run', '--from', '0', '--to', '5', '--steps', '4', '--slerp'])), [6 * 56 + 5, 56]);
  assert.deepEqual(pngSize(await written(['traverse', 'run', '--steps', '5', '--image', '2'])), [5 * 56 + 4, 3 * 56 + 2]);
  await refused(['interpolate', 'run', '--to', '10000'], /--to 10000: the test set has 10000 images/);
  await refused(['traverse', 'run', '--image', '-1'], /--image/);
});

test('report: one HTML file with the pictures inlined and no URL', async () => {
  const p = await written(['report', 'run', '--embed-limit', '200']);
  assert.equal(p, join(cwd, 'run', 'report.html'));
  const html = readFileSync(p, 'utf8');
  assert.equal(html.match(/<img src="data:image\/png;base64,/g)?.length, 5);
  assert.doesNotMatch(html.replace(/data:[^"']*/g, ''), /https?:/);
  assert.ok(html.includes('epochs trained'));
});

test('every picture command explains itself with --help and refuses a missing checkpoint', async () => {
  for (const c of ['sample', 'reconstruct', 'manifold', 'embed', 'interpolate', 'traverse', 'report']) {
    const h = await vaekitInProcess([c, '--help'], cwd);
    assert.equal(h.code, 0, transcript(h));
    assert.match(h.stdout, new RegExp(`Usage: vaekit ${c} <checkpoint`));
    assert.match(h.stdout, /--out <text>/);
  }
  const r = await vaekitInProcess(['sample', 'nowhere'], cwd);
  assert.equal(r.code, 1, transcript(r));
  assert.match(r.stderr, /checkpoint not found: nowhere/);
});
