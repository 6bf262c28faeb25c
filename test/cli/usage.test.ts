/**
 * The command line's answers to mistakes and to requests for help, in a temporary directory: through the CLI's
 * `main` in this process, and the built `bin/vaekit.js` for the answers that must come without loading tfjs.
 * None of these runs trains or reads data, so each answers at once.
 */

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildOnce, CliResult, listFiles, removeTempDirs, ROOT, tempDir, transcript, vaekitInProcess } from './helpers.js';

before(() => buildOnce());
after(() => removeTempDirs());

/** Exit 2, every part named on stderr, one "vaekit" prefix, nothing written. */
function assertUsageError(r: CliResult, cwd: string, parts: string[]): void {
  assert.equal(r.code, 2, `expected exit 2\n${transcript(r)}`);
  for (const p of parts) assert.ok(r.stderr.includes(p), `expected ${JSON.stringify(p)} on stderr\n${transcript(r)}`);
  assert.doesNotMatch(r.stderr, /error: .*is not|is not iterable|is not a function/, transcript(r));
  assert.deepEqual(listFiles(cwd), [], `nothing should be written\n${transcript(r)}`);
}

test('a built-in property name is neither a model kind nor a command', async () => {
  const cwd = tempDir();
  for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
    assertUsageError(await vaekitInProcess(['train', '--model', name], cwd), cwd, ['--model', name, 'vae']);
    assertUsageError(await vaekitInProcess([name], cwd), cwd, [`unknown command "${name}"`]);
  }
});

test('--version and -v print the package version', async () => {
  const cwd = tempDir();
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  for (const flag of ['--version', '-v']) {
    const r = await vaekitInProcess([flag], cwd);
    assert.equal(r.code, 0, transcript(r));
    assert.equal(r.stdout, `vaekit ${version}\n`);
  }
  assert.match((await vaekitInProcess(['--help'], cwd)).stdout, /vaekit --version/);
});

test('vaekit help <command>, <command> --help and <command> -h show the command\'s help', async () => {
  const cwd = tempDir();
  const train = await vaekitInProcess(['train', '--help'], cwd);
  assert.equal(train.code, 0, transcript(train));
  assert.match(train.stdout, /^Usage: vaekit train/m);
  assert.match(train.stdout, /--estimator <standard\|dreg> .*doubly reparameterized.*--objective iwae only/);
  for (const args of [['help', 'train'], ['train', '-h']]) {
    const r = await vaekitInProcess(args, cwd);
    assert.equal(r.code, 0, transcript(r));
    assert.equal(r.stdout, train.stdout, args.join(' '));
  }
  // The model kind picks the flags shown, after help as after train.
  const aae = await vaekitInProcess(['help', 'train', '--model', 'aae'], cwd);
  assert.equal(aae.code, 0, transcript(aae));
  assert.match(aae.stdout, /Model \(aae\):/);
  assert.match((await vaekitInProcess(['help', 'eval'], cwd)).stdout, /^Usage: vaekit eval/m);
  assertUsageError(await vaekitInProcess(['help', 'trian'], cwd), cwd, ['unknown command "trian"', 'did you mean train?']);
  assert.deepEqual(listFiles(cwd), []);
});

test('an unknown flag or command is answered with the nearest known ones', async () => {
  const cwd = tempDir();
  assertUsageError(await vaekitInProcess(['train', '--epoch', '3'], cwd), cwd, ['unknown flag --epoch for "vaekit train"; did you mean --epochs?']);
  assertUsageError(await vaekitInProcess(['train', '--latnet', '3'], cwd), cwd, ['did you mean --latent?']);
  assertUsageError(await vaekitInProcess(['sample', 'run', '--scal', '3'], cwd), cwd, ['unknown flag --scal for "vaekit sample"; did you mean --scale?']);
  assertUsageError(await vaekitInProcess(['evl', 'run'], cwd), cwd, ['unknown command "evl"; did you mean eval?']);
  // Nothing near: no guess.
  const far = await vaekitInProcess(['train', '--frobnicate'], cwd);
  assertUsageError(far, cwd, ['unknown flag --frobnicate']);
  assert.doesNotMatch(far.stderr, /did you mean/);
});

test('a model flag of another kind says it does not apply to this one', async () => {
  const cwd = tempDir();
  assertUsageError(await vaekitInProcess(['train', '--model', 'ae', '--decoder', 'gaussian'], cwd), cwd, ['--decoder does not apply to --model ae; it is a flag of --model vae, aae, cvae, m2, m1m2']);
  assertUsageError(await vaekitInProcess(['train', '--noise', 'mask'], cwd), cwd, ['--noise does not apply to --model vae; it is a flag of --model dae']);
  assertUsageError(await vaekitInProcess(['ssl', '--model', 'm2', '--m1-latent', '10'], cwd), cwd, ['--m1-latent does not apply to --model m2; it is a flag of --model m1m2']);
});

test('an error is printed with one prefix', async () => {
  const cwd = tempDir();
  const r = await vaekitInProcess(['train', '--epochs', '0'], cwd);
  assertUsageError(r, cwd, ['--epochs']);
  assert.match(r.stderr, /^vaekit train: --epochs: expected an integer >= 1, got 0$/m, transcript(r));
  assert.match((await vaekitInProcess(['frobnicate'], cwd)).stderr, /^vaekit: unknown command "frobnicate"/);
});

/**
 * `vaekit ...args` for each of `commands`, one after another in one Node process that runs the built CLI's
 * `main` with every import of a @tensorflow package refused by a module hook: a command that loads tfjs fails
 * with "tfjs was loaded" (and so does every later one that would).
 */
function vaekitWithoutTfjs(commands: string[][]): CliResult[] {
  const dir = tempDir();
  writeFileSync(join(dir, 'hooks.mjs'), `export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@tensorflow/')) throw new Error('tfjs was loaded: ' + specifier);
  return next(specifier, context);
}
`);
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
  writeFileSync(join(dir, 'commands.mjs'), `import { main } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'src', 'cli', 'main.js')).href)};
const saved = { stdout: process.stdout.write, stderr: process.stderr.write };
const results = [];
for (const args of JSON.parse(process.argv[2])) {
  const out = { stdout: '', stderr: '' };
  for (const name of ['stdout', 'stderr']) {
    process[name].write = (chunk, ...rest) => {
      out[name] += String(chunk);
      rest.find((r) => typeof r === 'function')?.();
      return true;
    };
  }
  let code;
  try {
    code = await main(args);
  } catch (e) {
    code = null;
    out.stderr += String(e && e.stack ? e.stack : e);
  }
  process.stdout.write = saved.stdout;
  process.stderr.write = saved.stderr;
  results.push({ code, ...out });
}
process.stdout.write(JSON.stringify(results));
`);
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, join(dir, 'commands.mjs'), JSON.stringify(commands)], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout) as CliResult[];
}

test('help, the version and flag errors are answered without loading tfjs', () => {
  const answers = [['--help'], ['--version'], ['train', '--help'], ['train', '--model', 'aae', '--help'], ['ssl', '--help'], ['eval', '--help'], ['sample', '--help'], ['compare', '--help'], ['plan', '--help'], ['plan', 'make', 'ssl', '--help'], ['plan', 'make', 'sweep', '--help'], ['plan', 'status', '--help'], ['worker', '--help'], ['zoo', '--help']];
  const errors = [['train', '--epoch', '3'], ['train', '--epochs', 'ten'], ['eval'], ['sample', 'run', '--scale', '0'], ['frobnicate'], ['plan', 'frobnicate'], ['plan', 'make', 'sweep', '--set', 'train.lr=fast'], ['worker']];
  // Last, in the same process: the hook works, a command that runs loads tfjs and is stopped.
  const results = vaekitWithoutTfjs([...answers, ...errors, ['zoo'], ['info']]);
  answers.forEach((args, i) => {
    const r = results[i];
    assert.equal(r.code, 0, `${args.join(' ')}\n${transcript(r)}`);
    assert.match(r.stdout, args[0] === '--version' ? /^vaekit \d/ : /Usage: vaekit/, transcript(r));
  });
  errors.forEach((args, i) => {
    const r = results[answers.length + i];
    assert.equal(r.code, 2, `${args.join(' ')}\n${transcript(r)}`);
    assert.doesNotMatch(r.stderr, /tfjs was loaded/, transcript(r));
  });
  // Listing the zoo reads its manifest alone.
  const zoo = results[results.length - 2];
  assert.equal(zoo.code, 0, transcript(zoo));
  assert.match(zoo.stdout, /^name\s+kind\s+data\s+figure/, transcript(zoo));
  const info = results[results.length - 1];
  assert.notEqual(info.code, 0, transcript(info));
  assert.match(info.stderr, /tfjs was loaded/, transcript(info));
});
