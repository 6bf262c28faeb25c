/** `--net conv` through the CLI: train, resume, eval, a picture, M2 and M1+M2, and the refusals. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadNativeKernels } from '../../src/node/native.js';
import { decodePng } from '../../src/node/png.js';
import { buildOnce, listFiles, readJson, removeTempDirs, tempDir, transcript, vaekitInProcess } from './helpers.js';
import { existsSync, readFileSync, rmSync } from 'node:fs';

before(() => buildOnce());
after(() => removeTempDirs());

const TINY = ['--limit', '250', '--val-size', '50', '--hidden', '16', '--latent', '3', '--net', 'conv', '--conv-channels', '4,8'];

test('train --net conv records the network, trains on the portable engine, resumes, evaluates and samples', async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['train', ...TINY, '--epochs', '1', '--out', 'conv'], cwd);
  assert.equal(r.code, 0, transcript(r));
  assert.match(r.stdout, /model: vae, .*net conv, channels 4,8/);
  assert.match(r.stdout, /engine: portable/);
  const config = readJson<{ model: { net: string; channels: number[] } }>(join(cwd, 'conv', 'config.json'));
  assert.deepEqual([config.model.net, config.model.channels], ['conv', [4, 8]]);
  const resumed = await vaekitInProcess(['train', '--resume', '--out', 'conv', '--epochs', '2'], cwd);
  assert.equal(resumed.code, 0, transcript(resumed));
  assert.match(resumed.stdout, /epoch 2\/2/);
  const ev = await vaekitInProcess(['eval', 'conv', '--limit', '50', '--k', '5'], cwd);
  assert.equal(ev.code, 0, transcript(ev));
  assert.match(ev.stdout, /test -ELBO \d+\.\d\d nats/);
  // --engine native cannot score a conv VAE: refused (not quietly scored on tfjs), and no eval.json is written.
  if (loadNativeKernels().kernels !== null) {
    rmSync(join(cwd, 'conv', 'eval.json'));
    const nativeEv = await vaekitInProcess(['eval', 'conv', '--limit', '50', '--k', '5', '--engine', 'native'], cwd);
    assert.notEqual(nativeEv.code, 0, transcript(nativeEv));
    assert.match(nativeEv.stderr, /--engine native: the native kernels score only models that offer an MLP VAE plan .*not this vae with --net conv checkpoint; use --engine portable/);
    assert.ok(!existsSync(join(cwd, 'conv', 'eval.json')), 'eval.json was written');
  }
  const sample = await vaekitInProcess(['sample', 'conv', '--n', '4', '--scale', '1'], cwd);
  assert.equal(sample.code, 0, transcript(sample));
  const png = decodePng(new Uint8Array(readFileSync(join(cwd, 'conv', 'samples.png'))));
  assert.deepEqual([png.width, png.height], [2 * 28 + 1, 2 * 28 + 1]);
});

test('too many convolutions for the image, and the exact contractive penalty on a conv encoder, are refused', async () => {
  const cwd = tempDir();
  const deep = await vaekitInProcess(['train', ...TINY, '--conv-channels', '2,2,2,2,2', '--epochs', '1', '--out', 'deep'], cwd);
  assert.notEqual(deep.code, 0, transcript(deep));
  assert.match(deep.stderr, /5 strided convolutions do not fit 28x28 images: layer 5 gets 1x1; use fewer --conv-channels/);
  const cae = await vaekitInProcess(['train', '--model', 'cae', ...TINY, '--epochs', '1', '--out', 'cae'], cwd);
  assert.notEqual(cae.code, 0, transcript(cae));
  assert.match(cae.stderr, /--contractive exact .* with --net conv use --contractive stochastic/);
  assert.ok(!listFiles(cwd).some((f) => f.endsWith('.ckpt')), `a checkpoint was written: ${listFiles(cwd).join(', ')}`);
});

const SMALL_M2 = ['--limit', '400', '--val-size', '100', '--labelled', '100', '--labelled-batch', '20', '--batch-size', '100', '--latent', '3', '--hidden', '16', '--classifier-hidden', '16', '--net', 'conv', '--conv-channels', '4'];

test('train --model m2 --net conv: conv M2 on the portable engine, recorded in the config, classifies; its help names the flags', async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['train', '--model', 'm2', ...SMALL_M2, '--epochs', '1', '--out', 'm2'], cwd);
  assert.equal(r.code, 0, transcript(r));
  assert.match(r.stdout, /model: m2, .*net conv, channels 4/);
  assert.match(r.stdout, /engine: portable/);
  assert.match(r.stdout, /epoch 1\/1 .*val error/);
  const config = readJson<{ model: { net: string; channels: number[] } }>(join(cwd, 'm2', 'config.json'));
  assert.deepEqual([config.model.net, config.model.channels], ['conv', [4]]);
  const classify = await vaekitInProcess(['classify', 'm2', '--limit', '100'], cwd);
  assert.equal(classify.code, 0, transcript(classify));
  assert.match(classify.stdout, /test error of q\(y\|x\): \d+\.\d\d% \(\d+ of 100 images\)/);
  for (const kind of ['m2', 'm1m2']) {
    const help = await vaekitInProcess(['train', '--model', kind, '--help'], cwd);
    assert.equal(help.code, 0, transcript(help));
    assert.ok(help.stdout.includes('--net') && help.stdout.includes('--conv-channels'), `${kind} --help lacks --net or --conv-channels`);
  }
});

test('train --model m1m2 --net conv: a conv M1, then M2 (an MLP) on its features, both stages on the portable engine', async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['train', '--model', 'm1m2', ...SMALL_M2, '--m1-latent', '4', '--m1-hidden', '16', '--m1-epochs', '1', '--epochs', '2', '--out', 'm1m2'], cwd);
  assert.equal(r.code, 0, transcript(r));
  assert.match(r.stdout, /model: m1m2, .*net conv, channels 4/);
  assert.doesNotMatch(r.stdout, /engine: native/);
  assert.match(r.stdout, /epoch 1\/2 .*val .*recon/);
  assert.match(r.stdout, /epoch 2\/2 .*val error/);
});

test('--engine native refuses a conv M2, naming the flag, and writes nothing', async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['train', '--model', 'm2', ...SMALL_M2, '--epochs', '1', '--engine', 'native', '--out', 'native'], cwd);
  assert.notEqual(r.code, 0, transcript(r));
  // Without the addon, --engine native is refused before any model exists, for that reason.
  const hasNative = loadNativeKernels().kernels !== null;
  assert.match(r.stderr, hasNative ? /--engine native: the native kernels train only models that offer a hand-fused plan \(MLP networks with decoders [^)]+\), not --model m2 with --net conv; use --engine portable/ : /--engine native: /, transcript(r));
  assert.deepEqual(listFiles(cwd), []);
});
