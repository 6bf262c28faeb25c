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
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

/**
 * Fast files that share one process when the whole suite runs: starting Node, tsx and tfjs for each took more
 * CPU (98 s for these 51) than their tests (14 s in one process). They set no process-wide state that another
 * of them reads (test/models/newKind.test.ts registers a kind, so it runs alone). In one process every file's
 * top-level before hooks run before the first test, and its after hooks after the last. A file named on the
 * command line runs alone, as does any file not listed here.
 */
const TOGETHER = [
  'test/architecture/imports.test.ts',
  'test/cli/common.test.ts',
  'test/cli/suggest.test.ts',
  'test/cli/usage.test.ts',
  'test/config/fieldDocs.test.ts',
  'test/config/schema.test.ts',
  'test/config/size.test.ts',
  'test/data/amat.test.ts',
  'test/data/corrupt.test.ts',
  'test/data/datasetBinary.test.ts',
  'test/data/idx.test.ts',
  'test/data/imageFolder.test.ts',
  'test/data/prepare.test.ts',
  'test/data/transforms.test.ts',
  'test/docs/links.test.ts',
  'test/eval/bitsPerDim.test.ts',
  'test/eval/figures.test.ts',
  'test/eval/mmd.test.ts',
  'test/fastpath/m2.test.ts',
  'test/io/checkpoint.test.ts',
  'test/io/crc32.test.ts',
  'test/io/runMeta.test.ts',
  'test/io/trainedRun.test.ts',
  'test/io/weightsOnly.test.ts',
  'test/models/aae.test.ts',
  'test/models/autoencoder.test.ts',
  'test/models/conv.test.ts',
  'test/models/likelihood.test.ts',
  'test/models/m2.test.ts',
  'test/models/pca.test.ts',
  'test/models/size.test.ts',
  'test/models/vae.test.ts',
  'test/nn/conv.test.ts',
  'test/nn/dense.test.ts',
  'test/nn/mlp.test.ts',
  'test/nn/params.test.ts',
  'test/nn/residualAutoregression.test.ts',
  'test/node/appServer.test.ts',
  'test/node/files.test.ts',
  'test/node/progress.test.ts',
  'test/node/runLock.test.ts',
  'test/prob/bernoulli.test.ts',
  'test/prob/estimators.test.ts',
  'test/prob/gaussian.test.ts',
  'test/prob/logistic.test.ts',
  'test/prob/priors.test.ts',
  'test/views/grid.test.ts',
  'test/views/labelViews.test.ts',
  'test/views/latents.test.ts',
  'test/views/png.test.ts',
  'test/web/digitInput.test.ts',
];

/** The files of TOGETHER among `files`, replaced by one entry that imports them all (written to a temporary directory). */
function together(list) {
  const shared = list.filter((f) => TOGETHER.includes(f.split('\\').join('/')));
  if (shared.length < 2) return { list, cleanup: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'vaekit-test-'));
  const entry = join(dir, 'fast-files.test.mjs');
  writeFileSync(entry, shared.map((f) => `await import(${JSON.stringify(pathToFileURL(join(root, f)).href)});\n`).join(''));
  // After the slowest files, before the rest.
  const rest = list.filter((f) => !shared.includes(f));
  const at = rest.findIndex((f) => rank(f) === SLOWEST.length);
  rest.splice(at < 0 ? rest.length : at, 0, entry);
  return { list: rest, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
const merged = args.some((a) => !a.startsWith('-')) ? { list: files, cleanup: () => {} } : together(files);

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
  run('tests', process.execPath, ['--test', '--import', 'tsx', ...options, ...merged.list], true, { ...process.env, OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '1', VAEKIT_TEST_TYPECHECK: 'npm test' }),
]);

merged.cleanup();
const failed = results.filter((r) => r.code !== 0);
process.stdout.write(`\n${results.map((r) => `${r.code === 0 ? '✔' : '✖'} ${r.name} ${r.seconds.toFixed(0)} s`).join(', ')}\n`);
if (failed.length > 0) {
  process.stdout.write(`npm test failed: ${failed.map((r) => r.name).join(', ')}\n`);
  process.exitCode = 1;
}
