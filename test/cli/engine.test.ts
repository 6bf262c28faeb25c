/**
 * The CLI says which path its work takes (`--engine`, `vaekit info`), and falls back to the portable path
 * when the native kernels are missing (simulated with VAEKIT_NATIVE_PATH pointing nowhere).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { loadNativeKernels } from '../../src/node/native.js';
import { BIN, buildOnce, CliResult, removeTempDirs, tempDir, transcript } from './helpers.js';

const SMALL = ['--latent', '2', '--hidden', '32', '--epochs', '1', '--limit', '600', '--val-size', '100', '--batch-size', '100'];
const MISSING = '/nonexistent/vaekit-native.node';
const hasNative = loadNativeKernels().kernels !== null;

function run(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tempDir(), env: { ...process.env, CI: 'true', ...env }, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => buildOnce());
after(() => removeTempDirs());

test('vaekit info names the engine, or why the native one is unavailable', () => {
  const r = run(['info']);
  assert.equal(r.code, 0, transcript(r));
  assert.match(r.stdout, hasNative ? /^engine: native \(OpenBLAS [^,]+, \d+ threads?, \w+\)$/m : /^engine: portable \(tfjs\); native kernels unavailable: /m, transcript(r));
  // OpenMP's own variable sets the default thread count, as it does for any OpenMP program.
  if (hasNative) assert.match(run(['info'], { OMP_NUM_THREADS: '1' }).stdout, /^engine: native \(OpenBLAS [^,]+, 1 thread, \w+\)$/m);
  const missing = run(['info'], { VAEKIT_NATIVE_PATH: MISSING });
  assert.match(missing.stdout, /^engine: portable \(tfjs\); native kernels unavailable: \/nonexistent\/vaekit-native\.node was not built/m, transcript(missing));
});

test('train without the native kernels falls back to the portable path and says so', () => {
  const r = run(['train', ...SMALL, '--out', 'run'], { VAEKIT_NATIVE_PATH: MISSING });
  assert.equal(r.code, 0, transcript(r));
  assert.match(r.stdout, /^engine: portable \(tfjs wasm, 1 thread\); native kernels unavailable: \/nonexistent/m, transcript(r));
  assert.doesNotMatch(r.stdout, /^backend:/m, 'the engine line names the backend');
});

test('--engine native refuses to run without the native kernels, naming the flag', () => {
  const r = run(['train', ...SMALL, '--engine', 'native', '--out', 'run'], { VAEKIT_NATIVE_PATH: MISSING });
  assert.equal(r.code, 1, transcript(r));
  assert.match(r.stderr, /--engine native: \/nonexistent\/vaekit-native\.node was not built/, transcript(r));
});

test('--engine portable and --engine native each take their path', { skip: hasNative ? false : 'native kernels not built' }, () => {
  const portable = run(['train', ...SMALL, '--engine', 'portable', '--out', 'run']);
  assert.equal(portable.code, 0, transcript(portable));
  assert.match(portable.stdout, /^engine: portable \(tfjs native, \d+ threads?\)/m, transcript(portable));
  const native = run(['train', ...SMALL, '--engine', 'native', '--out', 'run']);
  assert.equal(native.code, 0, transcript(native));
  assert.match(native.stdout, /^engine: native \(OpenBLAS/m, transcript(native));
});
