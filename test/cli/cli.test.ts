/**
 * The CLI end to end: the built `bin/vaekit.js` run in a temporary directory, as a user would (help, a train,
 * and a run stopped by Ctrl-C, evaluated and resumed); everything else through the same `main` called in this
 * process (no Node start-up and tfjs load for each). Every test looks at three things: the exit code, what was
 * printed, and the files left on disk.
 *
 * Runs are tiny (2,000 MNIST images, one hidden layer of 64), and the tests that resume or refuse a run start
 * from copies of two runs trained once.
 */

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';
import {
  buildOnce,
  CliResult,
  EpochRecord,
  listFiles,
  MNIST_DIR,
  readJson,
  removeTempDirs,
  tempDir,
  transcript,
  vaekit,
  vaekitAsync,
  vaekitInProcess,
} from './helpers.js';

/** The small run every end-to-end test shares: 1,500 training and 500 validation images. */
const SMALL = ['--limit', '2000', '--val-size', '500', '--hidden', '64', '--latent', '4'];
const EVAL_SMALL = ['--limit', '200', '--k', '20'];

before(() => buildOnce());
after(() => removeTempDirs());

function assertExit(r: CliResult, code: number): void {
  assert.equal(r.code, code, `expected exit ${code}\n${transcript(r)}`);
}

function assertIncludes(text: string, parts: string[], r: CliResult): void {
  for (const p of parts) assert.ok(text.includes(p), `expected ${JSON.stringify(p)} in the output\n${transcript(r)}`);
}

/** A failure: the exit code, each part named on stderr, and no file written beside the inputs. */
function assertCleanFailure(r: CliResult, opts: { code?: number; stderr: string[]; cwd: string; filesBefore: string[] }): void {
  if (opts.code !== undefined) assertExit(r, opts.code);
  else assert.ok(r.code !== 0 && r.code !== null, `expected a non-zero exit\n${transcript(r)}`);
  assertIncludes(r.stderr, opts.stderr, r);
  assert.deepEqual(listFiles(opts.cwd), opts.filesBefore, `no file should be written\n${transcript(r)}`);
}

function assertNoTempFiles(dir: string): void {
  const tmp = listFiles(dir).filter((f) => f.includes('.tmp'));
  assert.deepEqual(tmp, [], `temporary files left in ${dir}`);
}

/** Same epochs and, term by term, losses within `rtol` of each other (timings excepted). */
function assertHistoriesClose(actual: EpochRecord[], expected: EpochRecord[], rtol = 1e-4): void {
  assert.equal(actual.length, expected.length, 'number of epochs');
  actual.forEach((a, i) => {
    const e = expected[i];
    assert.equal(a.epoch, e.epoch);
    for (const part of ['train', 'val'] as const) {
      assert.deepEqual(Object.keys(a[part] ?? {}).sort(), Object.keys(e[part] ?? {}).sort(), `epoch ${a.epoch} ${part} terms`);
      for (const [k, v] of Object.entries(e[part] ?? {})) {
        const got = a[part]![k];
        assert.ok(Math.abs(got - v) <= rtol * Math.abs(v), `epoch ${a.epoch} ${part}.${k}: ${got} vs ${v} in the uninterrupted run`);
      }
    }
  });
}

/** One straight 2-epoch run of SMALL, trained on first use and shared by the tests that need a run. */
let baseRun: { dir: string; result: CliResult } | undefined;
function trainedRun(): { dir: string; result: CliResult } {
  if (!baseRun) {
    const cwd = tempDir();
    const result = vaekit(['train', ...SMALL, '--epochs', '2', '--out', 'run'], cwd);
    assertExit(result, 0);
    baseRun = { dir: join(cwd, 'run'), result };
  }
  return baseRun;
}

/** A 1-epoch run of SMALL, trained on first use: tests that resume or refuse it each get a copy. */
let oneEpochRun: string | undefined;
async function copyOfOneEpochRun(): Promise<string> {
  if (!oneEpochRun) {
    const cwd = tempDir();
    assertExit(await vaekitInProcess(['train', ...SMALL, '--epochs', '1', '--out', 'run'], cwd), 0);
    oneEpochRun = join(cwd, 'run');
  }
  return copyOfRun(oneEpochRun);
}

/** A copy of a run's training files in a fresh directory, as `run/`; returns the working directory. */
function copyOfRun(dir: string): string {
  const cwd = tempDir();
  mkdirSync(join(cwd, 'run'));
  for (const f of ['best.ckpt', 'config.json', 'history.json', 'last.ckpt']) copyFileSync(join(dir, f), join(cwd, 'run', f));
  return cwd;
}

// ---------------------------------------------------------------------------------------------------------
// Help and info

test('vaekit --help lists the commands and exits 0', () => {
  const cwd = tempDir();
  const r = vaekit(['--help'], cwd);
  assertExit(r, 0);
  assertIncludes(r.stdout, ['Usage: vaekit <command>', 'train', 'eval', 'info'], r);
  assert.deepEqual(listFiles(cwd), []);
});

test('vaekit with no command prints the usage and exits 2', () => {
  const cwd = tempDir();
  const r = vaekit([], cwd);
  assertExit(r, 2);
  assertIncludes(r.stdout + r.stderr, ['Usage: vaekit <command>'], r);
});

test('vaekit train --help names every flag', () => {
  const cwd = tempDir();
  const r = vaekit(['train', '--help'], cwd);
  assertExit(r, 0);
  const flags = ['--latent', '--hidden', '--epochs', '--batch-size', '--lr', '--beta', '--warmup-epochs', '--samples', '--seed', '--binarize',
    '--val-size', '--limit', '--data', '--data-dir', '--out', '--config', '--resume', '--force', '--backend', '--decoder', '--sigma'];
  for (const f of flags) assert.match(r.stdout, new RegExp(`^\\s+${f}\\b`, 'm'), `train --help should list ${f}\n${r.stdout}`);
  assertIncludes(r.stdout, ['Usage: vaekit train', 'Examples:'], r);
  assert.deepEqual(listFiles(cwd), [], 'help writes nothing');
});

test('vaekit eval --help names its flags', () => {
  const cwd = tempDir();
  const r = vaekit(['eval', '--help'], cwd);
  assertExit(r, 0);
  for (const f of ['--k', '--split', '--limit', '--samples', '--seed', '--data-dir', '--out', '--backend']) {
    assert.match(r.stdout, new RegExp(`^\\s+${f}\\b`, 'm'), `eval --help should list ${f}\n${r.stdout}`);
  }
  assertIncludes(r.stdout, ['Usage: vaekit eval <checkpoint'], r);
});

test('vaekit info reports the backend: native where the addon loads, else wasm', async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['info'], cwd);
  assertExit(r, 0);
  assert.match(r.stdout, /^backend: (native \(OpenBLAS|wasm \(SIMD)/m, transcript(r));
  assertIncludes(r.stdout, ['vaekit ', 'model kinds: vae'], r);
  assert.deepEqual(listFiles(cwd), []);
});

// ---------------------------------------------------------------------------------------------------------
// Train and eval end to end

test('train writes checkpoints, the resolved config and the history', () => {
  const { dir, result: r } = trainedRun();
  assertIncludes(r.stdout, ['epoch 1/2', 'epoch 2/2', `next: vaekit eval run`], r);
  // One line says where the ops run; the model line shows only what applies to an MLP with a Bernoulli decoder.
  assert.equal(r.stdout.match(/^(engine|backend):/gm)?.join(), 'engine:', transcript(r));
  assert.match(r.stdout, /^engine: (native \(OpenBLAS .* threads?,|portable \(tfjs (native|wasm), \d+ threads?\))/m, transcript(r));
  assert.match(r.stdout, /^model: vae, [\d,]+ parameters, latentDim 4, hidden 64, activation relu, decoder bernoulli, net mlp, prior standard$/m, transcript(r));
  assert.deepEqual(listFiles(dir), ['best.ckpt', 'config.json', 'history.json', 'last.ckpt']);

  const config = readJson<{ model: Record<string, unknown>; train: Record<string, unknown>; data: Record<string, unknown> }>(join(dir, 'config.json'));
  assert.deepEqual(Object.keys(config).sort(), ['data', 'model', 'train']);
  assert.equal(config.model.kind, 'vae');
  assert.equal(config.model.latentDim, 4);
  assert.deepEqual(config.model.hidden, [64]);
  assert.equal(config.train.epochs, 2);
  assert.equal(config.train.lr, 0.001, 'defaults are resolved into the saved config');
  assert.equal(config.data.limit, 2000);
  assert.equal(config.data.valSize, 500);
  assert.equal(config.data.data, 'mnist');
  assert.deepEqual(Object.keys(config.data).sort(), ['binarize', 'data', 'dataDir', 'limit', 'stream', 'valSize'], 'no image-folder settings for IDX data');

  const history = readJson<EpochRecord[]>(join(dir, 'history.json'));
  assert.deepEqual(history.map((h) => h.epoch), [1, 2]);
  for (const h of history) {
    for (const v of [...Object.values(h.train), ...Object.values(h.val ?? {})]) assert.ok(Number.isFinite(v), `finite losses: ${JSON.stringify(h)}`);
  }
  assert.ok(history[1].val!.total < history[0].val!.total, `validation -ELBO should fall: ${history.map((h) => h.val!.total)}`);
});

test('eval prints the test -ELBO and -log p(x) and writes eval.json', async () => {
  const { dir } = trainedRun();
  const r = await vaekitInProcess(['eval', 'run', ...EVAL_SMALL], join(dir, '..'));
  assertExit(r, 0);
  assertIncludes(r.stdout, ['test -ELBO', '-log p(x)', 'k=20'], r);
  assert.match(r.stdout, /^data: mnist test, the first 200 of 10,000 images, binarized once \(seed 0\)$/m, transcript(r));
  assert.match(r.stdout, /^checkpoint: run\/best\.ckpt \(epoch \d+\)$/m, transcript(r));
  const result = readJson<{ negElbo: number; negLogLikelihood: number; images: number; k: number }>(join(dir, 'eval.json'));
  assert.equal(result.images, 200);
  assert.equal(result.k, 20);
  assert.ok(Number.isFinite(result.negElbo) && result.negElbo > 0, `negElbo ${result.negElbo}`);
  assert.ok(Number.isFinite(result.negLogLikelihood) && result.negLogLikelihood > 0, `negLogLikelihood ${result.negLogLikelihood}`);
  // Burda et al. 2016: the importance-weighted bound is tighter than the ELBO, so its -log p(x) is lower.
  assert.ok(result.negLogLikelihood <= result.negElbo + 1, `-log p(x) ${result.negLogLikelihood} should not exceed -ELBO ${result.negElbo}`);
  assertNoTempFiles(dir);
});

// ---------------------------------------------------------------------------------------------------------
// Resume

test('resume continues a run exactly as if it had never stopped', async () => {
  const cwd = await copyOfOneEpochRun();
  assert.equal(readJson<EpochRecord[]>(join(cwd, 'run', 'history.json')).length, 1);

  const r = await vaekitInProcess(['train', '--resume', '--out', 'run', '--epochs', '2'], cwd);
  assertExit(r, 0);
  assertIncludes(r.stdout, ['resuming run at epoch 2', 'epoch 2/2'], r);
  assert.ok(!r.stdout.includes('epoch 1/2 '), `epoch 1 should not be trained again\n${transcript(r)}`);
  const history = readJson<EpochRecord[]>(join(cwd, 'run', 'history.json'));
  assert.deepEqual(history.map((h) => h.epoch), [1, 2]);
  assert.equal(readJson<{ train: { epochs: number } }>(join(cwd, 'run', 'config.json')).train.epochs, 2);

  const straight = readJson<EpochRecord[]>(join(trainedRun().dir, 'history.json'));
  assertHistoriesClose(history, straight);
  assertNoTempFiles(cwd);
});

test('a run whose checkpoint holds image-folder settings on IDX data (as every run once saved) still resumes, and saves them no more', async () => {
  const cwd = await copyOfOneEpochRun();
  const path = join(cwd, 'run', 'last.ckpt');
  const data = decodeCheckpoint(readFileSync(path), path);
  (data.meta as { config: { data: Record<string, unknown> } }).config.data = { ...(data.meta as { config: { data: object } }).config.data, imageSize: 32, channels: 3 };
  writeFileSync(path, encodeCheckpoint(data));
  const r = await vaekitInProcess(['train', '--resume', '--out', 'run', '--epochs', '2'], cwd);
  assertExit(r, 0);
  assertIncludes(r.stdout, ['resuming run at epoch 2', 'epoch 2/2'], r);
  const saved = readJson<{ data: Record<string, unknown> }>(join(cwd, 'run', 'config.json')).data;
  assert.ok(!('imageSize' in saved) && !('channels' in saved), JSON.stringify(saved));
  const again = await vaekitInProcess(['train', '--resume', '--out', 'run', '--epochs', '3'], cwd);
  assertExit(again, 0);
  assertIncludes(again.stdout, ['epoch 3/3'], again);
});

test('resume refuses a changed setting other than --epochs', async () => {
  const cwd = await copyOfOneEpochRun();
  const before = listFiles(cwd);
  const ckpt = readFileSync(join(cwd, 'run', 'last.ckpt'));

  const r = await vaekitInProcess(['train', '--resume', '--out', 'run', '--epochs', '2', '--lr', '0.01'], cwd);
  assertExit(r, 2);
  assert.match(r.stderr, /\blr\b/, transcript(r));
  assert.deepEqual(listFiles(cwd), before);
  assert.ok(readFileSync(join(cwd, 'run', 'last.ckpt')).equals(ckpt), 'the checkpoint is untouched');
  assert.equal(readJson<EpochRecord[]>(join(cwd, 'run', 'history.json')).length, 1);
});

test('resume may add a learning-rate step for epochs not yet trained, not for one already trained', async () => {
  const cwd = await copyOfOneEpochRun();
  const ckpt = readFileSync(join(cwd, 'run', 'last.ckpt'));
  const zero = await vaekitInProcess(['train', '--resume', '--out', 'run', '--epochs', '3', '--lr-steps', '0'], cwd);
  assertExit(zero, 2);
  assert.match(zero.stderr, /--lr-steps: expected a comma-separated list of integers >= 1/, transcript(zero));
  assert.ok(readFileSync(join(cwd, 'run', 'last.ckpt')).equals(ckpt), 'the checkpoint is untouched');

  const r = await vaekitInProcess(['train', '--resume', '--out', 'run', '--epochs', '3', '--lr-steps', '1,2', '--lr-step-factor', '0.5'], cwd);
  assertExit(r, 0);
  assert.deepEqual(readJson<EpochRecord[]>(join(cwd, 'run', 'history.json')).map((h) => h.lr), [1e-3, 5e-4, 2.5e-4]);
  assert.deepEqual(readJson<{ train: { lrSteps: number[] } }>(join(cwd, 'run', 'config.json')).train.lrSteps, [1, 2]);
  const again = await vaekitInProcess(['train', '--resume', '--out', 'run', '--epochs', '4', '--lr-steps', '1'], cwd);
  assertExit(again, 2);
  assert.match(again.stderr, /lrSteps \(epoch 3, already trained/, transcript(again));
});

test('--patience ends training early and says so', async () => {
  const cwd = tempDir();
  // A rate of 1e-12 all but freezes the weights: the validation score soon stops improving.
  const args = ['train', '--limit', '600', '--val-size', '100', '--hidden', '32', '--latent', '4', '--epochs', '6', '--lr', '1e-12', '--patience', '1', '--out', 'run'];
  const r = await vaekitInProcess(args, cwd);
  assertExit(r, 0);
  const epochs = readJson<EpochRecord[]>(join(cwd, 'run', 'history.json')).length;
  assert.ok(epochs < 6, transcript(r));
  assert.match(r.stdout, new RegExp(`stopped early after epoch ${epochs} of 6: no better score in the 1 epochs since \\(--patience\\)`), transcript(r));
});

test('a second plain train into a run directory is refused', async () => {
  const cwd = await copyOfOneEpochRun();
  const before = listFiles(cwd);
  const ckpt = readFileSync(join(cwd, 'run', 'last.ckpt'));

  const r = await vaekitInProcess(['train', ...SMALL, '--epochs', '1', '--out', 'run'], cwd);
  assertExit(r, 2);
  assertIncludes(r.stderr, ['--resume', '--force'], r);
  assert.deepEqual(listFiles(cwd), before);
  assert.ok(readFileSync(join(cwd, 'run', 'last.ckpt')).equals(ckpt), 'the checkpoint is untouched');
});

/** A copy of the shared 2-epoch run, as `run/` in a fresh directory; returns the working directory. */
function copyOfTrainedRun(): string {
  return copyOfRun(trainedRun().dir);
}

/** Rewrites the JSON part of a checkpoint, with a valid checksum: what a buggy or hostile writer could leave. */
function editCheckpointMeta(path: string, edit: (meta: Record<string, unknown>) => void): void {
  const data = decodeCheckpoint(new Uint8Array(readFileSync(path)), path);
  edit(data.meta);
  writeFileSync(path, encodeCheckpoint(data));
}

test('resume refuses at once a checkpoint claiming an absurd epoch, naming the file and the field', async () => {
  const cwd = copyOfTrainedRun();
  editCheckpointMeta(join(cwd, 'run', 'last.ckpt'), (meta) => ((meta.state as { epoch: number }).epoch = 1e300));
  const before = listFiles(cwd);
  const r = await vaekitInProcess(['train', '--resume', '--out', 'run', '--epochs', '3'], cwd);
  assertExit(r, 1);
  assertIncludes(r.stderr, [join('run', 'last.ckpt'), 'meta.state.epoch', '1e+300'], r);
  assert.deepEqual(listFiles(cwd), before);
});

test('resume refuses a last.ckpt of another run (an AE\'s in a VAE\'s directory), naming both files and what differs; nothing is written', async () => {
  const cwd = copyOfTrainedRun();
  assertExit(await vaekitInProcess(['train', '--model', 'ae', ...SMALL, '--epochs', '1', '--out', 'ae'], cwd), 0);
  const vaeLast = readFileSync(join(cwd, 'run', 'last.ckpt'));
  copyFileSync(join(cwd, 'ae', 'last.ckpt'), join(cwd, 'run', 'last.ckpt'));
  const snapshot = () => listFiles(cwd).map((f) => [f, readFileSync(join(cwd, f)).toString('base64')]);
  const before = snapshot();
  const r = await vaekitInProcess(['train', '--resume', '--out', 'run', '--epochs', '3'], cwd);
  assertExit(r, 2);
  assertIncludes(r.stderr, [`--resume: ${join('run', 'last.ckpt')} holds a ae run, but ${join('run', 'config.json')} is a vae run`], r);
  assert.deepEqual(snapshot(), before, 'nothing is written');

  writeFileSync(join(cwd, 'run', 'last.ckpt'), vaeLast);
  const config = readJson<{ model: Record<string, unknown> }>(join(cwd, 'run', 'config.json'));
  writeFileSync(join(cwd, 'run', 'config.json'), JSON.stringify({ ...config, model: { ...config.model, latentDim: 8 } }));
  const other = await vaekitInProcess(['train', '--resume', '--out', 'run', '--epochs', '3'], cwd);
  assertExit(other, 2);
  assertIncludes(other.stderr, [`${join('run', 'last.ckpt')} is not the checkpoint of the run in ${join('run', 'config.json')}: model.latentDim (last.ckpt 4, config.json 8)`], other);
});

test('resume needs a checkpoint in --out', async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['train', '--resume', '--out', 'nothing-here'], cwd);
  assertCleanFailure(r, { code: 2, stderr: ['--resume', 'nothing-here'], cwd, filesBefore: [] });
});

test('a train into a directory holding any vaekit file is refused, naming the files: a best.ckpt without last.ckpt is kept', async () => {
  const cwd = copyOfTrainedRun();
  rmSync(join(cwd, 'run', 'last.ckpt'));
  const best = readFileSync(join(cwd, 'run', 'best.ckpt'));
  const before = listFiles(cwd);
  const r = await vaekitInProcess(['train', ...SMALL, '--epochs', '1', '--out', 'run'], cwd);
  assertExit(r, 2);
  assertIncludes(r.stderr, ['run already holds a run (best.ckpt, config.json, history.json)', '--force'], r);
  assert.deepEqual(listFiles(cwd), before);
  assert.ok(readFileSync(join(cwd, 'run', 'best.ckpt')).equals(best), 'best.ckpt is untouched');

  mkdirSync(join(cwd, 'evaluated'));
  writeFileSync(join(cwd, 'evaluated', 'eval.json'), '{}');
  const evalOnly = await vaekitInProcess(['train', ...SMALL, '--epochs', '1', '--out', 'evaluated'], cwd);
  assertExit(evalOnly, 2);
  assertIncludes(evalOnly.stderr, ['evaluated already holds a run (eval.json)'], evalOnly);
});

test('a --config file kept in the run directory does not make it hold a run', async () => {
  const cwd = tempDir();
  mkdirSync(join(cwd, 'exp'));
  writeFileSync(join(cwd, 'exp', 'config.json'), JSON.stringify({ train: { epochs: 1 } }));
  const r = await vaekitInProcess(['train', ...SMALL, '--config', join('exp', 'config.json'), '--out', 'exp'], cwd);
  assertExit(r, 0);
  assert.deepEqual(listFiles(join(cwd, 'exp')), ['best.ckpt', 'config.json', 'history.json', 'last.ckpt']);
  assert.equal(readJson<{ train: { epochs: number } }>(join(cwd, 'exp', 'config.json')).train.epochs, 1);
});

test('--force removes the previous run\'s files first: a new run that fails leaves no checkpoint of the old one, and says so', async () => {
  const cwd = copyOfTrainedRun();
  writeFileSync(join(cwd, 'run', 'eval.json'), '{}');
  writeFileSync(join(cwd, 'run', 'samples.png'), 'old picture');
  writeFileSync(join(cwd, 'run', 'notes.txt'), 'mine');
  // lr 1e6 diverges within the first epoch: the new run saves nothing.
  const r = await vaekitInProcess(['train', ...SMALL, '--epochs', '2', '--lr', '1e6', '--force', '--out', 'run'], cwd);
  assertExit(r, 1);
  assertIncludes(r.stdout, ['--force: removed the previous run\'s'], r);
  assertIncludes(r.stderr, ['no epoch finished, so there is no checkpoint'], r);
  assert.ok(!r.stderr.includes('last good checkpoint'), transcript(r));
  assert.deepEqual(listFiles(join(cwd, 'run')), ['config.json', 'notes.txt']);
  assert.equal(readJson<{ train: { lr: number } }>(join(cwd, 'run', 'config.json')).train.lr, 1e6);
});

// ---------------------------------------------------------------------------------------------------------
// One writer per run directory

/** The lock file of a run directory, as another process would have written it. */
function writeLock(dir: string, pid: number, host = hostname()): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'vaekit.lock');
  writeFileSync(path, JSON.stringify({ pid, host, command: 'vaekit train', since: '2024-05-01T10:00:00.000Z', token: 'feedfacecafebeef' }));
  return path;
}

test('train and train --resume refuse a run directory another vaekit holds, naming it, and leave its lock alone', async () => {
  const cwd = copyOfTrainedRun();
  // Another live process on this host: the one that started this test file.
  const lock = writeLock(join(cwd, 'run'), process.ppid);
  const lockText = readFileSync(lock, 'utf8');
  const before = listFiles(cwd);
  for (const args of [['--resume', '--epochs', '3'], [...SMALL, '--epochs', '1', '--force']]) {
    const r = await vaekitInProcess(['train', ...args, '--out', 'run'], cwd);
    assertExit(r, 1);
    assertIncludes(r.stderr, [`--out run is in use by another vaekit: pid ${process.ppid} on ${hostname()}`, 'vaekit train', 'pass another --out', join('run', 'vaekit.lock')], r);
    assert.deepEqual(listFiles(cwd), before);
    assert.equal(readFileSync(lock, 'utf8'), lockText);
  }
});

test('a lock left by a vaekit that was killed is taken over with a note; its temporary files are removed', async () => {
  const cwd = tempDir();
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  writeLock(join(cwd, 'run'), dead);
  writeFileSync(join(cwd, 'run', `last.ckpt.tmp-${dead}-0123456789ab`), 'half a checkpoint');
  const r = await vaekitInProcess(['train', ...SMALL, '--epochs', '1', '--out', 'run'], cwd);
  assertExit(r, 0);
  assertIncludes(r.stdout, [`took over the lock of run from pid ${dead} on ${hostname()}`, `last.ckpt.tmp-${dead}-0123456789ab`], r);
  assert.deepEqual(listFiles(join(cwd, 'run')), ['best.ckpt', 'config.json', 'history.json', 'last.ckpt']);
});

test('two trains on one --out at once: the second is refused while the first runs; Ctrl-C ends the first and frees the directory', async () => {
  const cwd = tempDir();
  const args = ['train', '--limit', '20000', '--epochs', '3', '--hidden', '64', '--engine', 'portable', '--out', 'run'];
  const first = vaekitAsync(args, cwd);
  let stdout = '';
  const started = new Promise<void>((resolve) => {
    first.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (stdout.includes('model:')) resolve();
    });
  });
  first.stderr!.resume();
  const guard = setTimeout(() => first.kill('SIGKILL'), 120_000);
  const closed = new Promise<number | null>((resolve) => first.on('close', (c) => resolve(c)));
  await started;
  const second = await vaekitInProcess(['train', '--limit', '2000', '--epochs', '1', '--out', 'run', '--force'], cwd);
  first.kill('SIGINT');
  const code = await closed;
  clearTimeout(guard);
  assertExit(second, 1);
  assertIncludes(second.stderr, [`pid ${first.pid} on ${hostname()}`, 'vaekit train'], second);
  assert.equal(code, 130, stdout);
  assert.ok(existsSync(join(cwd, 'run', 'last.ckpt')), 'the first run saved its checkpoint');
  assert.ok(!existsSync(join(cwd, 'run', 'vaekit.lock')), 'the lock is released on Ctrl-C');
});

test('train --out where no directory can be made fails at once, naming --out', { skip: !existsSync('/proc/self') }, async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['train', ...SMALL, '--epochs', '1', '--out', '/proc/vaekit-x'], cwd);
  assertCleanFailure(r, { code: 2, stderr: ['--out: cannot create directory /proc/vaekit-x'], cwd, filesBefore: [] });
});

// ---------------------------------------------------------------------------------------------------------
// Bad input: a clear message naming the flag or file, a non-zero exit, nothing written

/** Runs a train that must fail before writing anything, in a fresh directory holding `files`. */
async function failingTrain(args: string[], files: Record<string, string | Uint8Array> = {}): Promise<{ r: CliResult; cwd: string; filesBefore: string[] }> {
  const cwd = tempDir();
  for (const [name, content] of Object.entries(files)) writeFileSync(join(cwd, name), content);
  const filesBefore = listFiles(cwd);
  const r = await vaekitInProcess(['train', ...SMALL, '--epochs', '1', ...args, '--out', 'out'], cwd);
  assert.ok(!existsSync(join(cwd, 'out', 'last.ckpt')), 'no checkpoint');
  assertNoTempFiles(cwd);
  return { r, cwd, filesBefore };
}

test('an unknown flag is named', async () => {
  const { r, cwd, filesBefore } = await failingTrain(['--epoch', '3']);
  assertCleanFailure(r, { code: 2, stderr: ['--epoch '], cwd, filesBefore });
});

test('a flag with a value of the wrong type is named', async () => {
  for (const value of ['abc', '0', '1.5']) {
    const { r, cwd, filesBefore } = await failingTrain(['--epochs', value]);
    assertCleanFailure(r, { code: 2, stderr: ['--epochs', value], cwd, filesBefore });
  }
});

test('a flag without its value is named', async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['train', '--epochs'], cwd);
  assertCleanFailure(r, { code: 2, stderr: ['--epochs'], cwd, filesBefore: [] });
});

test('a choice outside the list names the flag and the choices', async () => {
  const { r, cwd, filesBefore } = await failingTrain(['--binarize', 'maybe']);
  assertCleanFailure(r, { code: 2, stderr: ['--binarize', 'maybe', 'none', 'dynamic', 'static'], cwd, filesBefore });
});

test('an unknown command is named', async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['frobnicate'], cwd);
  assertCleanFailure(r, { code: 2, stderr: ['frobnicate', 'train', 'eval'], cwd, filesBefore: [] });
});

test('eval on a missing path names it', async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['eval', join('no', 'such.ckpt'), '--k', '0'], cwd);
  assertCleanFailure(r, { stderr: [join('no', 'such.ckpt'), 'not found'], cwd, filesBefore: [] });
});

test('eval without a checkpoint argument says what it needs', async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['eval'], cwd);
  assertCleanFailure(r, { code: 2, stderr: ['<checkpoint>'], cwd, filesBefore: [] });
});

test('eval on a directory without checkpoints says so', async () => {
  const cwd = tempDir();
  mkdirSync(join(cwd, 'empty'));
  const r = await vaekitInProcess(['eval', 'empty', '--k', '0'], cwd);
  assertCleanFailure(r, { stderr: ['empty', 'last.ckpt'], cwd, filesBefore: [] });
});

test('eval on a truncated checkpoint names the file and says it is truncated', async () => {
  const cwd = tempDir();
  const path = join(cwd, 'half.ckpt');
  copyFileSync(join(trainedRun().dir, 'last.ckpt'), path);
  truncateSync(path, Math.floor(statSync(path).size / 2));
  const r = await vaekitInProcess(['eval', 'half.ckpt', '--k', '0', '--limit', '100'], cwd);
  assertCleanFailure(r, { stderr: ['half.ckpt', 'truncated'], cwd, filesBefore: ['half.ckpt'] });
});

test('eval on a file of garbage says it is not a checkpoint', async () => {
  const garbage = Uint8Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256);
  for (const bytes of [garbage, new TextEncoder().encode('{"model": "not a checkpoint"}\n')]) {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'garbage.ckpt'), bytes);
    const r = await vaekitInProcess(['eval', 'garbage.ckpt', '--k', '0', '--limit', '100'], cwd);
    assertCleanFailure(r, { stderr: ['garbage.ckpt', 'not a vaekit checkpoint'], cwd, filesBefore: ['garbage.ckpt'] });
  }
});

test('--config with invalid JSON names the file', async () => {
  const { r, cwd, filesBefore } = await failingTrain(['--config', 'broken.json'], { 'broken.json': '{"model": {"latentDim": 4,' });
  assertCleanFailure(r, { code: 2, stderr: ['--config', 'broken.json', 'JSON'], cwd, filesBefore });
});

test('--config with an unknown key names the key', async () => {
  const { r, cwd, filesBefore } = await failingTrain(['--config', 'typo.json'], { 'typo.json': JSON.stringify({ model: { latnt: 3 } }) });
  assertCleanFailure(r, { code: 2, stderr: ['typo.json', 'latnt'], cwd, filesBefore });
});

test('--config with an unknown section names the section', async () => {
  const { r, cwd, filesBefore } = await failingTrain(['--config', 'typo.json'], { 'typo.json': JSON.stringify({ trian: { epochs: 3 } }) });
  assertCleanFailure(r, { code: 2, stderr: ['typo.json', 'trian'], cwd, filesBefore });
});

test('--config with a value of the wrong type names the key', async () => {
  const { r, cwd, filesBefore } = await failingTrain(['--config', 'types.json'], { 'types.json': JSON.stringify({ train: { batchSize: '128' } }) });
  assertCleanFailure(r, { code: 2, stderr: ['types.json', 'batchSize'], cwd, filesBefore });
});

test('--config holding JSON that is not an object is a usage error naming the file', async () => {
  for (const text of ['null', '3', '"abc"', '[1, 2]']) {
    const { r, cwd, filesBefore } = await failingTrain(['--config', 'odd.json'], { 'odd.json': text });
    assertCleanFailure(r, { code: 2, stderr: ['odd.json', 'expected an object'], cwd, filesBefore });
  }
});

test('--config pointing nowhere names the file', async () => {
  const { r, cwd, filesBefore } = await failingTrain(['--config', 'missing.json']);
  assertCleanFailure(r, { code: 2, stderr: ['--config', 'missing.json'], cwd, filesBefore });
});

test('--data naming no data set and no directory is named', async () => {
  const { r, cwd, filesBefore } = await failingTrain(['--data', '/nonexistent/dir']);
  assertCleanFailure(r, { stderr: ['--data', '/nonexistent/dir'], cwd, filesBefore });
});

test('--data-dir with a corrupt image file names that file', async () => {
  const cwd = tempDir();
  const dataDir = join(cwd, 'data');
  mkdirSync(dataDir);
  for (const f of ['train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) copyFileSync(join(MNIST_DIR, f), join(dataDir, f));
  for (const bytes of [[0, 0, 8, 3, 0, 0], [0x7f, 0x45, 0x4c, 0x46, 1, 2, 3, 4]]) {
    writeFileSync(join(dataDir, 'train-images-idx3-ubyte'), Uint8Array.from(bytes));
    const filesBefore = listFiles(cwd);
    const r = await vaekitInProcess(['train', ...SMALL, '--epochs', '1', '--data-dir', 'data', '--out', 'out'], cwd);
    assertCleanFailure(r, { stderr: ['train-images-idx3-ubyte'], cwd, filesBefore });
  }
});

test('--data-dir missing a file names the file expected', async () => {
  const cwd = tempDir();
  mkdirSync(join(cwd, 'data'));
  copyFileSync(join(MNIST_DIR, 'train-labels-idx1-ubyte'), join(cwd, 'data', 'train-labels-idx1-ubyte'));
  const r = await vaekitInProcess(['train', ...SMALL, '--epochs', '1', '--data-dir', 'data', '--out', 'out'], cwd);
  assertCleanFailure(r, { stderr: ['train-images-idx3-ubyte'], cwd, filesBefore: [join('data', 'train-labels-idx1-ubyte')] });
});

test('data settings the source has no use for are refused: --val-size for binarized-mnist (its own split), --image-size for IDX data', async () => {
  const cwd = tempDir();
  const dir = join(cwd, 'bm');
  mkdirSync(dir);
  // Tiny amat files: rows of 784 zeros and ones (Larochelle & Murray's format).
  const rows = (n: number) => Array.from({ length: n }, (_, i) => Array.from({ length: 784 }, (_, j) => ((i + j) % 3 === 0 ? 1 : 0)).join(' ')).join('\n') + '\n';
  for (const [split, n] of [['train', 40], ['valid', 20], ['test', 20]] as const) writeFileSync(join(dir, `binarized_mnist_${split}.amat`), rows(n));
  const before = listFiles(cwd);
  const valSize = await vaekitInProcess(['train', '--data', 'binarized-mnist', '--data-dir', dir, '--val-size', '10', '--binarize', 'none', '--out', 'run'], cwd);
  assertCleanFailure(valSize, { code: 2, stderr: ['--val-size does not apply to --data binarized-mnist: it has its own fixed validation split of 20 images'], cwd, filesBefore: before });
  for (const flag of ['--image-size', '--channels']) {
    const r = await vaekitInProcess(['train', ...SMALL, flag, '1', '--out', 'run'], cwd);
    assertCleanFailure(r, { code: 2, stderr: [`${flag} does not apply to --data mnist: it applies to folders of images only`], cwd, filesBefore: before });
  }
  const ok = await vaekitInProcess(['train', '--data', 'binarized-mnist', '--data-dir', dir, '--binarize', 'none', '--hidden', '8', '--latent', '2', '--epochs', '1', '--out', 'run'], cwd);
  assertExit(ok, 0);
  assert.match(ok.stdout, /^data: .*bm: 40 training, 20 validation images \(its own split\) of 28x28x1/m, transcript(ok));
});

test('a negative value after a space is taken as the value', async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['train', ...SMALL, '--epochs', '1', '--decoder', 'gaussian-learned', '--binarize', 'none', '--min-log-var', '-8', '--out', 'run'], cwd);
  assertExit(r, 0);
  assert.equal(readJson<{ model: { minLogVar: number } }>(join(cwd, 'run', 'config.json')).model.minLogVar, -8);
});

test('a negative value where a positive one is needed names the flag and the value', async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['train', '--lr', '-1', '--out', 'run'], cwd);
  assertCleanFailure(r, { code: 2, stderr: ['--lr', 'got -1'], cwd, filesBefore: [] });
});

// ---------------------------------------------------------------------------------------------------------
// Ctrl-C and divergence

test('Ctrl-C saves a checkpoint that eval reads and --resume finishes', async () => {
  const cwd = tempDir();
  // The portable engine: the native one trains this small model at ~50,000 img/s, done before the signal. At
  // ~12,000 img/s the run takes over a second, the signal comes 0.3 s into it.
  const args = ['train', '--limit', '10000', '--epochs', '2', '--hidden', '64', '--engine', 'portable', '--out', 'run'];
  const child = vaekitAsync(args, cwd);
  let stdout = '';
  let stderr = '';
  let signalled = false;
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    // "model:" is printed just before training starts.
    if (!signalled && stdout.includes('model:')) {
      signalled = true;
      setTimeout(() => child.kill('SIGINT'), 300);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(guard);
  const r: CliResult = { code, stdout, stderr };

  assertExit(r, 130);
  assertIncludes(r.stdout, ['resume with', '--resume --out run'], r);
  assertIncludes(r.stderr, ['stopping'], r);
  const run = join(cwd, 'run');
  assert.ok(existsSync(join(run, 'last.ckpt')), `last.ckpt written\n${transcript(r)}`);
  assertNoTempFiles(cwd);

  const ev = vaekit(['eval', join('run', 'last.ckpt'), '--k', '0', '--limit', '100', '--out', 'stopped-eval.json'], cwd);
  assertExit(ev, 0);
  assert.ok(Number.isFinite(readJson<{ negElbo: number }>(join(cwd, 'stopped-eval.json')).negElbo));

  const resumed = vaekit(['train', '--resume', '--engine', 'portable', '--out', 'run'], cwd);
  assertExit(resumed, 0);
  assertIncludes(resumed.stdout, ['resuming run', 'epoch 2/2'], resumed);
  const history = readJson<EpochRecord[]>(join(run, 'history.json'));
  assert.deepEqual(history.map((h) => h.epoch), [1, 2]);

  // Stopped mid-epoch and resumed, the run matches one that never stopped.
  const straight = await vaekitInProcess([...args.slice(0, -1), 'straight'], cwd);
  assertExit(straight, 0);
  assertHistoriesClose(history, readJson<EpochRecord[]>(join(cwd, 'straight', 'history.json')));
  assertNoTempFiles(cwd);
});

test('a diverging run stops with exit 1 before applying the bad step', async () => {
  const cwd = tempDir();
  // lr 1e6 makes the loss NaN within the first few steps of epoch 1 (step 4 for seeds 0 to 2).
  const r = await vaekitInProcess(['train', ...SMALL, '--epochs', '2', '--lr', '1e6', '--out', 'run'], cwd);
  assertExit(r, 1);
  assertIncludes(r.stdout + r.stderr, ['became', 'not applied', '--lr'], r);
  assert.match(r.stdout + r.stderr, /became (NaN|-?Infinity)/, transcript(r));
  assert.ok(!existsSync(join(cwd, 'run', 'last.ckpt')), 'no epoch finished: no checkpoint');
  assert.ok(!existsSync(join(cwd, 'run', 'best.ckpt')), 'no best checkpoint');
  assertNoTempFiles(cwd);
});
