/**
 * The command line's answers to mistakes and to requests for help, end to end: the built `bin/vaekit.js`
 * in a temporary directory. None of these runs trains or reads data, so each answers at once.
 */

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildOnce, CliResult, listFiles, removeTempDirs, tempDir, transcript, vaekit } from './helpers.js';

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
