/**
 * The command line's answers to mistakes and to requests for help, end to end: the built `bin/vaekit.js`
 * in a temporary directory. None of these runs trains or reads data, so each answers at once.
 */

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, buildOnce, CliResult, listFiles, removeTempDirs, tempDir, transcript, vaekit } from './helpers.js';

before(() => buildOnce());
after(() => removeTempDirs());

/** Exit 2, every part named on stderr, one "vaekit" prefix, nothing written. */
function assertUsageError(r: CliResult, cwd: string, parts: string[]): void {
  assert.equal(r.code, 2, `expected exit 2\n${transcript(r)}`);
  for (const p of parts) assert.ok(r.stderr.includes(p), `expected ${JSON.stringify(p)} on stderr\n${transcript(r)}`);
  assert.doesNotMatch(r.stderr, /error: .*is not|is not iterable|is not a function/, transcript(r));
  assert.deepEqual(listFiles(cwd), [], `nothing should be written\n${transcript(r)}`);
}

test('a built-in property name is neither a model kind nor a command', () => {
  const cwd = tempDir();
  for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
    assertUsageError(vaekit(['train', '--model', name], cwd), cwd, ['--model', name, 'vae']);
    assertUsageError(vaekit([name], cwd), cwd, [`unknown command "${name}"`]);
  }
});

/**
 * `vaekit ...args` with every import of a @tensorflow package refused by a module hook: a command that loads
 * tfjs fails with "tfjs was loaded".
 */
function vaekitWithoutTfjs(args: string[]): CliResult {
  const dir = tempDir();
  writeFileSync(join(dir, 'hooks.mjs'), `export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@tensorflow/')) throw new Error('tfjs was loaded: ' + specifier);
  return next(specifier, context);
}
`);
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('help, the version and flag errors are answered without loading tfjs', () => {
  // The hook works: a command that runs loads tfjs, and is stopped.
  const info = vaekitWithoutTfjs(['info']);
  assert.notEqual(info.code, 0, transcript(info));
  assert.match(info.stderr, /tfjs was loaded/, transcript(info));

  for (const args of [['--help'], ['train', '--help'], ['train', '--model', 'aae', '--help'], ['ssl', '--help'], ['eval', '--help'], ['sample', '--help'], ['compare', '--help']]) {
    const r = vaekitWithoutTfjs(args);
    assert.equal(r.code, 0, `${args.join(' ')}\n${transcript(r)}`);
    assert.match(r.stdout, /Usage: vaekit/, transcript(r));
  }
  for (const args of [['train', '--epoch', '3'], ['train', '--epochs', 'ten'], ['eval'], ['sample', 'run', '--scale', '0'], ['frobnicate']]) {
    const r = vaekitWithoutTfjs(args);
    assert.equal(r.code, 2, `${args.join(' ')}\n${transcript(r)}`);
    assert.doesNotMatch(r.stderr, /tfjs was loaded/, transcript(r));
  }
});
