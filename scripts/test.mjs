// `npm test`: the type-check, the lint and the test files, side by side so both cores stay busy; fails when
// any of them fails. The type-check and lint print when they finish (in full only when they fail); the test
// runner reports with the spec reporter, which lists every failure again at the end.
//
//   npm test                               everything
//   npm test -- test/cli/cli.test.ts       these test files only (the type-check and lint still run)
//   npm test -- --test-reporter=tap        any other option for `node --test`, written --option=value
//
// VAEKIT_TEST_CONCURRENCY sets how many test files run at once (default: 2, or the number of cores when more).
// The test files and the commands they start run their native kernels on one thread each (OMP_NUM_THREADS=1,
// unless set): files side by side share the cores, and OpenMP teams that share them wait on each other.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (pkg, file) => join(root, 'node_modules', pkg, 'bin', file);

const args = process.argv.slice(2);
const options = args.filter((a) => a.startsWith('-'));
const files = args.filter((a) => !a.startsWith('-'));
if (files.length === 0) {
  for (const dir of readdirSync(join(root, 'test'), { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(root, 'test', dir.name)).sort()) if (f.endsWith('.test.ts')) files.push(join('test', dir.name, f));
  }
}
/**
 * The slowest files, slowest first (by the CPU time each took, measured on 2 cores): they start first, so the
 * lanes end together instead of one lane finishing a long file alone at the end. The rest follow in order.
 */
const SLOWEST = [
  'test/node/webgpu.test.ts', // WebGPU on SwiftShader: every shader compiled and run on the CPU
  'test/web/gpu.chromium.test.ts',
  'test/web/app.chromium.test.ts',
  'test/plan/queue.test.ts',
  'test/cli/compare.test.ts',
  'test/cli/cli.test.ts',
  'test/plan/local.test.ts',
  'test/examples/examples.test.ts',
  'test/cli/evalReport.test.ts',
  'test/cli/warmStart.test.ts',
  'test/cli/runDirectory.test.ts',
  'test/fastpath/native.test.ts',
  'test/node/nativeTraining.test.ts',
];
const rank = (f) => {
  const i = SLOWEST.indexOf(f.split('\\').join('/'));
  return i < 0 ? SLOWEST.length : i;
};
files.sort((a, b) => rank(a) - rank(b));

const concurrency = Number(process.env.VAEKIT_TEST_CONCURRENCY ?? Math.max(2, availableParallelism()));
if (!options.some((o) => o.startsWith('--test-reporter'))) options.push('--test-reporter=spec');
if (!options.some((o) => o.startsWith('--test-concurrency'))) options.push(`--test-concurrency=${concurrency}`);

/** Runs a command; resolves to its exit code and, unless `inherit`, everything it printed. */
function run(name, command, commandArgs, inherit = false, env = process.env) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { cwd: root, env, stdio: inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    let output = '';
    if (!inherit) {
      child.stdout.setEncoding('utf8').on('data', (d) => (output += d));
      child.stderr.setEncoding('utf8').on('data', (d) => (output += d));
    }
    child.on('close', (code, signal) => {
      const result = { name, code: code ?? 1, signal, seconds: (Date.now() - started) / 1000, output };
      if (!inherit) report(result);
      resolve(result);
    });
  });
}

function report({ name, code, seconds, output }) {
  if (code === 0) {
    process.stdout.write(`✔ ${name} (${seconds.toFixed(0)} s)\n`);
  } else {
    process.stdout.write(`\n✖ ${name} failed (exit ${code}, ${seconds.toFixed(0)} s):\n${output.trimEnd()}\n\n`);
  }
}

const results = await Promise.all([
  run('type-check', process.execPath, [bin('typescript', 'tsc'), '--noEmit', '-p', 'tsconfig.json']),
  run('lint', process.execPath, [bin('eslint', 'eslint.js'), '.']),
  // VAEKIT_TEST_TYPECHECK: the type-check beside them covers the tree, so test/examples need not run it again.
  run('tests', process.execPath, ['--test', '--import', 'tsx', ...options, ...files], true, { ...process.env, OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '1', VAEKIT_TEST_TYPECHECK: 'npm test' }),
]);

const failed = results.filter((r) => r.code !== 0);
process.stdout.write(`\n${results.map((r) => `${r.code === 0 ? '✔' : '✖'} ${r.name} ${r.seconds.toFixed(0)} s`).join(', ')}\n`);
if (failed.length > 0) {
  process.stdout.write(`npm test failed: ${failed.map((r) => r.name).join(', ')}\n`);
  process.exitCode = 1;
}
