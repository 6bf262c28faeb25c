/**
 * Sizes beyond memory, end to end: each is refused before anything is allocated or written, with the estimate
 * and the flag that makes it large, and exit code 2.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildOnce, CliResult, listFiles, removeTempDirs, tempDir, transcript, vaekitInProcess } from './helpers.js';

before(() => buildOnce());
after(() => removeTempDirs());

const SMALL = ['--limit', '300', '--val-size', '100'];

function assertRefused(r: CliResult, parts: string[], cwd: string, filesBefore: string[]): void {
  assert.equal(r.code, 2, `expected exit 2\n${transcript(r)}`);
  for (const p of parts) assert.ok(r.stderr.includes(p), `expected ${JSON.stringify(p)} on stderr\n${transcript(r)}`);
  assert.doesNotMatch(r.stderr, /Invalid typed array length|out of memory|error:/i, transcript(r));
  assert.deepEqual(listFiles(cwd), filesBefore, `nothing should be written\n${transcript(r)}`);
}

test('train refuses a model or a batch too large for memory, with the estimate, writing nothing', async () => {
  const cwd = tempDir();
  const cases: [string[], string[]][] = [
    [['--hidden', '2000000'], ['vaekit train: --hidden 2000000: the model for images of 28x28x1 would have 3.3e9 parameters, 39.1 GB with Adam\'s two moments; at most 3.3e8 (4 GB)']],
    [['--latent', '1000000000'], ['--latent 1000000000: the model', 'parameters']],
    [['--net', 'conv', '--conv-channels', '100000,100000'], ['--conv-channels 100000,100000: the model']],
    [['--batch-size', '1e9'], ['--batch-size 1000000000: a batch of 1e9 images of 784 values', 'at most 4 GB']],
    [['--samples', '10000000'], ['--samples 10000000: a batch of 128 images']],
    [['--image-size', '1e6'], ['--image-size: expected an integer from 1 to 1024, got 1000000']],
  ];
  for (const [flags, parts] of cases) assertRefused(await vaekitInProcess(['train', ...SMALL, ...flags, '--out', 'run'], cwd), parts, cwd, []);
});

test('pictures too large and scoring passes too large are refused before anything is decoded', async () => {
  const cwd = tempDir();
  const trained = await vaekitInProcess(['train', ...SMALL, '--epochs', '1', '--hidden', '8', '--latent', '2', '--out', 'run'], cwd);
  assert.equal(trained.code, 0, transcript(trained));
  const files = listFiles(cwd);
  const picture = 'drawn at most';
  const cases: [string[], string[]][] = [
    [['sample', 'run', '--scale', '100000'], ['vaekit sample: --scale 100000: the picture would be 2.2e7 x 2.2e7 pixels, more than the 1e8', '--n, --columns, --scale']],
    [['sample', 'run', '--n', '1000000000'], ['--n 1000000000: the picture', picture]],
    [['manifold', 'run', '--grid', '100000'], ['--grid 100000: the picture', picture]],
    [['interpolate', 'run', '--steps', '1000000'], ['--steps 1000000: the picture', picture]],
    [['traverse', 'run', '--steps', '1000000000'], ['--steps 1000000000: the picture', picture]],
    [['reconstruct', 'run', '--pairs', '1000000'], ['--pairs 1000000: the picture', picture]],
    [['report', 'run', '--scale', '100000'], ['--scale 100000: the picture', picture]],
    [['eval', 'run', '--samples', '100000000', '--k', '0'], ['vaekit eval: --samples 100000000: one image\'s pass, 1e8 decoded copies of 784 values, would need at least 627.2 GB; at most 4 GB']],
  ];
  for (const [args, parts] of cases) assertRefused(await vaekitInProcess(args, cwd), parts, cwd, files);
  // Many samples of z are scored a few images at a time, within memory.
  const many = await vaekitInProcess(['eval', 'run', '--samples', '2000', '--k', '0', '--limit', '30', '--out', join(cwd, 'eval.json')], cwd);
  assert.equal(many.code, 0, transcript(many));
  assert.match(many.stdout, /test -ELBO \d+\.\d\d nats/);
});
