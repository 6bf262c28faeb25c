// `npm test`: the type-check, the lint and the test files, side by side so both cores stay busy; fails when
// any of them fails. The type-check and lint print when they finish (in full only when they fail); the test
// runner reports with the spec reporter, which lists every failure again at the end.
//
//   npm test                               everything
//   npm test -- test/cli/cli.test.ts       these test files only (the type-check and lint still run)
//   npm test -- --test-reporter=tap        any other option for `node --test`, written --option=value
//
// VAEKIT_TEST_CONCURRENCY sets how many test processes run at once (default: 2, or the number of cores when more);
// VAEKIT_TEST_FULL=1 adds the slower checks CI runs (test/helpers/tiers.ts).
// The test files and the commands they start run their native kernels on one thread each (OMP_NUM_THREADS=1,
// unless set): files side by side share the cores, and OpenMP teams that share them wait on each other.
import { spawn } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
 * Files that share one process when the whole suite runs, in groups: starting Node, tsx and tfjs for each file
 * took more CPU than many of their tests (measured: about 290 s of CPU as separate files, 130 s in these groups).
 * The files of a group set no process-wide state that another of them reads: `unit` holds the library's tests
 * on the test backend, `cli` and `cliCommands` those that call the CLI's main in this process (each call chooses
 * its own backend) or start its command. test/models/newKind.test.ts registers a kind, and the files that start
 * backends of their own (native, webgpu) or browsers run alone, as does any file named on the command line.
 */
const GROUPS = {
  unit: [
    'test/architecture/imports.test.ts',
    'test/cli/common.test.ts',
    'test/cli/suggest.test.ts',
    'test/cli/usage.test.ts',
    'test/config/fieldDocs.test.ts',
    'test/config/schema.test.ts',
    'test/config/size.test.ts',
    'test/data/amat.test.ts',
    'test/data/cifar.test.ts',
    'test/data/corrupt.test.ts',
    'test/data/datasetBinary.test.ts',
    'test/data/datasets.test.ts',
    'test/data/idx.test.ts',
    'test/data/imageFolder.test.ts',
    'test/data/prepare.test.ts',
    'test/data/streamedBatches.test.ts',
    'test/data/transforms.test.ts',
    'test/docs/links.test.ts',
    'test/eval/bitsPerDim.test.ts',
    'test/eval/figures.test.ts',
    'test/eval/mmd.test.ts',
    'test/fastpath/iwae.test.ts',
    'test/fastpath/m2.test.ts',
    'test/io/checkpoint.test.ts',
    'test/io/crc32.test.ts',
    'test/io/pythonCheckpoint.test.ts',
    'test/io/runMeta.test.ts',
    'test/io/trainedRun.test.ts',
    'test/io/weightsOnly.test.ts',
    'test/models/aae.test.ts',
    'test/models/autoencoder.test.ts',
    'test/models/conv.test.ts',
    'test/models/iwae.test.ts',
    'test/models/kinds.test.ts',
    'test/models/likelihood.test.ts',
    'test/models/m2.test.ts',
    'test/models/pca.test.ts',
    'test/models/size.test.ts',
    'test/models/vae.test.ts',
    'test/models/vampPrior.test.ts',
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
    'test/prob/dreg.test.ts',
    'test/prob/estimators.test.ts',
    'test/prob/gaussian.test.ts',
    'test/prob/logistic.test.ts',
    'test/prob/priors.test.ts',
    'test/train/m1m2Knobs.test.ts',
    'test/train/multiStep.test.ts',
    'test/train/semiSupervised.test.ts',
    'test/train/tensorReads.test.ts',
    'test/train/trainer.test.ts',
    'test/views/colour.test.ts',
    'test/views/grid.test.ts',
    'test/views/labelViews.test.ts',
    'test/views/latents.test.ts',
    'test/views/modelViews.test.ts',
    'test/views/png.test.ts',
    'test/views/report.test.ts',
    'test/views/scatter.test.ts',
    'test/web/digitInput.test.ts',
  ],
  cli: [
    'test/cli/aae.test.ts',
    'test/cli/compare.test.ts',
    'test/cli/conv.test.ts',
    'test/cli/data.test.ts',
    'test/cli/divergence.test.ts',
    'test/cli/engine.test.ts',
    'test/cli/evalReport.test.ts',
    'test/cli/images.test.ts',
    'test/cli/kinds.test.ts',
    'test/cli/labels.test.ts',
    'test/cli/limits.test.ts',
    'test/cli/presets.test.ts',
    'test/cli/runDirectory.test.ts',
    'test/cli/vamp.test.ts',
    'test/cli/views.test.ts',
    'test/cli/warmStart.test.ts',
    'test/zoo/cli.test.ts',
    'test/zoo/measure.test.ts',
  ],
  // CLI end to end, with commands started as a user starts them (Ctrl-C, locks, memory limits, the examples).
  cliCommands: [
    'test/cli/cli.test.ts',
    'test/cli/serve.test.ts',
    'test/data/stream.test.ts',
    'test/examples/examples.test.ts',
    'test/node/fit.test.ts',
  ],
};

/**
 * The longest-running processes, longest first (their wall time in a whole run on 2 cores): they start first,
 * so the lanes end together instead of one lane finishing a long file alone at the end. The rest follow in
 * order.
 */
const LONGEST = [
  'group:cli',
  'group:cliCommands',
  'group:unit',
  'test/node/webgpu.test.ts', // WebGPU on SwiftShader: every shader compiled and run on the CPU
  'test/web/gpu.chromium.test.ts',
  'test/web/app.chromium.test.ts',
  'test/plan/local.test.ts',
  'test/plan/queue.test.ts',
  'test/node/nativeTraining.test.ts',
  'test/fastpath/native.test.ts',
];

/**
 * The entry of one process: it imports its files, and a before hook holds back the first test until every file
 * is imported, so that each file's tests and hooks are registered at the top level (a file imported while
 * another's test runs would register its tests inside that test).
 */
function entrySource(files) {
  const imports = files.map((f) => `await import(${JSON.stringify(pathToFileURL(resolve(root, f)).href)});\n`).join('');
  return `import { before } from 'node:test';\nlet imported;\nconst all = new Promise((resolve) => (imported = resolve));\nbefore(() => all);\n${imports}imported();\n`;
}

/**
 * One entry file per process, in a temporary directory, named so that they sort in the order they should start
 * (`node --test` runs its files in sorted order): the groups of GROUPS among `list` (unless `alone`), then each
 * other file, LONGEST first.
 */
function entries(list, alone) {
  const units = [];
  let rest = list.map((f) => f.split('\\').join('/'));
  for (const [name, members] of Object.entries(alone ? {} : GROUPS)) {
    const shared = rest.filter((f) => members.includes(f));
    if (shared.length < 2) continue;
    units.push({ key: `group:${name}`, label: `${name}-files`, files: shared });
    rest = rest.filter((f) => !shared.includes(f));
  }
  for (const f of rest) units.push({ key: f, label: f.replace(/^test\//, '').replace(/\.test\.ts$/, '').replace(/\//g, '-'), files: [f] });
  const rank = (u) => (LONGEST.includes(u.key) ? LONGEST.indexOf(u.key) : LONGEST.length);
  units.sort((a, b) => rank(a) - rank(b)); // stable: the rest keep their order
  const dir = mkdtempSync(join(tmpdir(), 'vaekit-test-'));
  const paths = units.map((u, i) => {
    const path = join(dir, `${String(i).padStart(3, '0')}-${u.label}.test.mjs`);
    writeFileSync(path, entrySource(u.files));
    return path;
  });
  return { list: paths, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
// Files named on the command line run each in its own process, as `node --test` would run them.
const merged = entries(files, args.some((a) => !a.startsWith('-')));

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
