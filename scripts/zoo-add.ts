/**
 * Adds a trained run to the model zoo (zoo/): writes its weights-only checkpoint zoo/<name>.ckpt, measures its
 * figure on the whole test set and on the slice the zoo test re-measures, and writes the entry into
 * zoo/manifest.json (replacing one of the same name). See docs/zoo.md.
 *
 *   node --import tsx scripts/zoo-add.ts RUN NAME --describe TEXT --command TEXT [options]
 *
 *   RUN                 run directory (its best.ckpt, else last.ckpt) or checkpoint file
 *   --describe TEXT     one line on the model
 *   --command TEXT      the command that trained it
 *   --trained TEXT      how long it trained (default: from the checkpoint's history, "N epochs to this checkpoint, M min of epochs")
 *   --figure KEY        the figure, a key of eval.json (default by what the model has: givenLabel.negLogLikelihood,
 *                       negLogLikelihood, bitsPerDim.negElbo, classifierError, reconstruction.crossEntropy)
 *   --figure-name TEXT  how to name it (default by the key)
 *   --k K               eval's --k for the whole test set (default 5000; 0 where the model has no such estimate)
 *   --from-eval FILE    take the whole-test-set figure from this eval.json instead of measuring it (a long
 *                       evaluation, e.g. k = 5000 on 10,000 images, done once already)
 *   --check-images N    the slice the test re-measures (default 500)
 *   --check-k K         eval's --k on the slice (default 100; 0 where the model has no such estimate)
 *   --tolerance T       largest difference a re-measurement may show (default by unit: 0.05 nats, 0.002 bits/dim, 0.004)
 *   --note TEXT         anything a user should know (a file over 2 MB is noted without asking)
 *   --threads N         threads for the evaluations (default: every core)
 *
 * Run it as `OMP_NUM_THREADS=1 nice -n 10 ...` on a shared machine.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { importanceSampledDensity } from '../src/eval/figures.js';
import { encodeCheckpoint } from '../src/io/checkpoint.js';
import { disposeRun, runFromCheckpoint, runToCheckpoint } from '../src/io/run.js';
import { checkZooManifest, figureAt, ZOO_NAME, ZooEntry, ZooFigure, zooFigureText } from '../src/io/zooManifest.js';
import { startEngine } from '../src/node/engine.js';
import { evaluate } from '../src/node/evaluate.js';
import { ensureDir, writeFileAtomic } from '../src/node/files.js';
import { formatDuration } from '../src/node/progress.js';
import { loadCheckpoint, resolveCheckpointPath } from '../src/node/runFiles.js';
import { readZoo, ZOO_MANIFEST, zooDir } from '../src/node/zoo.js';

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    describe: { type: 'string' },
    command: { type: 'string' },
    trained: { type: 'string' },
    figure: { type: 'string' },
    'figure-name': { type: 'string' },
    k: { type: 'string' },
    'from-eval': { type: 'string' },
    'check-images': { type: 'string' },
    'check-k': { type: 'string' },
    tolerance: { type: 'string' },
    note: { type: 'string' },
    threads: { type: 'string' },
  },
});
const [runTarget, name] = positionals;
if (positionals.length !== 2 || !flags.describe || !flags.command) {
  throw new Error('usage: node --import tsx scripts/zoo-add.ts RUN NAME --describe TEXT --command TEXT [options] (see the script\'s comment)');
}
if (!ZOO_NAME.test(name)) throw new Error(`NAME ${JSON.stringify(name)}: lower-case letters, digits, '.', '_' and '-' only`);

function count(flag: string, fallback: number): number {
  const raw = flags[flag as keyof typeof flags] as string | undefined;
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`--${flag} ${raw}: expected a whole number`);
  return v;
}

/** The figures a zoo entry may name, in the order the default is picked, with their names and units. */
const FIGURES: { key: string; name: string; unit: ZooFigure['unit'] }[] = [
  { key: 'givenLabel.negLogLikelihood', name: 'test -log p(x|y)', unit: 'nats' },
  { key: 'negLogLikelihood', name: 'test -log p(x)', unit: 'nats' },
  { key: 'bitsPerDim.negLogLikelihood', name: 'test bits/dim from -log p(x)', unit: 'bits/dim' },
  { key: 'bitsPerDim.negElbo', name: 'test bits/dim from the -ELBO', unit: 'bits/dim' },
  { key: 'classifierError', name: 'test error of q(y|x)', unit: '%' },
  { key: 'givenLabel.negElbo', name: 'test -ELBO given the label', unit: 'nats' },
  { key: 'negElbo', name: 'test -ELBO', unit: 'nats' },
  { key: 'reconstruction.crossEntropy', name: 'test reconstruction cross-entropy', unit: 'nats' },
];
const TOLERANCE: Record<ZooFigure['unit'], number> = { nats: 0.05, 'bits/dim': 0.002, '%': 0.004 };

await startEngine({ threads: flags.threads === undefined ? undefined : count('threads', 0) });
const source = resolveCheckpointPath(runTarget);
const trainedRun = runFromCheckpoint(loadCheckpoint(source), source);
const dir = zooDir();
const file = join(dir, `${name}.ckpt`);
ensureDir(dir);
writeFileAtomic(file, encodeCheckpoint(runToCheckpoint(trainedRun, { weightsOnly: true })));
const { config, state } = trainedRun;
disposeRun(trainedRun);
const bytes = statSync(file).size;
console.log(`wrote ${file} (${bytes.toLocaleString('en-US')} bytes) from ${source}, epoch ${state.epoch}`);

// The figures are measured on the shipped file, so they are the zoo model's own.
const run = runFromCheckpoint(loadCheckpoint(file), file);
try {
  // Models without an importance-sampled likelihood (aae, m2, m1m2) take no k.
  const density = importanceSampledDensity(run.model) !== null;
  const k = count('k', density ? 5000 : 0);
  const checkImages = count('check-images', 500);
  const checkK = count('check-k', density ? 100 : 0);
  let whole: unknown;
  let wholeImages: number;
  let wholeSeconds = 0;
  if (flags['from-eval']) {
    whole = JSON.parse(readFileSync(flags['from-eval'], 'utf8'));
    wholeImages = (whole as { images: number }).images;
    const of = whole as { epoch?: number; split?: string; seed?: number };
    if (of.epoch !== state.epoch || of.split !== 'test' || of.seed !== 0) {
      throw new Error(`--from-eval ${flags['from-eval']}: measured at epoch ${of.epoch} on the ${of.split} split with seed ${of.seed}; the run is at epoch ${state.epoch}, and the zoo's figures are on the test split with seed 0`);
    }
    const givenK = (whole as { k?: number; givenLabel?: { k?: number } }).k ?? (whole as { givenLabel?: { k?: number } }).givenLabel?.k ?? 0;
    if (givenK !== k) throw new Error(`--from-eval ${flags['from-eval']}: measured with k=${givenK}, but --k is ${k}`);
  } else {
    const started = Date.now();
    whole = await evaluate(run, { k, seed: 0 });
    wholeSeconds = (Date.now() - started) / 1000;
    wholeImages = (whole as { images: number }).images;
  }
  const known = FIGURES.find((f) => (flags.figure ? f.key === flags.figure : figureAt(whole, f.key) !== undefined));
  const key = flags.figure ?? known?.key;
  if (key === undefined) throw new Error('no figure of the evaluation is known here: pass --figure KEY (a key of eval.json)');
  const value = figureAt(whole, key);
  if (value === undefined) throw new Error(`--figure ${key}: the evaluation has no such figure`);
  const unit = known?.unit ?? 'nats';
  const started = Date.now();
  const slice = await evaluate(run, { k: checkK, seed: 0, limit: checkImages });
  const sliceSeconds = (Date.now() - started) / 1000;
  const checkValue = figureAt(slice, key);
  if (checkValue === undefined) throw new Error(`--figure ${key}: the slice's evaluation has no such figure`);
  const kFlag = (v: number) => (v === 5000 ? '' : ` --k ${v}`);
  const history = state.history as { seconds?: number }[];
  const seconds = history.reduce((s, r) => s + (r.seconds ?? 0), 0);
  const entry: ZooEntry = {
    name,
    file: `${name}.ckpt`,
    bytes,
    kind: config.model.kind,
    data: config.data.data,
    description: flags.describe,
    command: flags.command,
    trained: flags.trained ?? `${state.epoch} epochs to this checkpoint, ${(seconds / 60).toFixed(1)} min of epochs`,
    figure: { name: flags['figure-name'] ?? known?.name ?? key, key, unit, value, images: wholeImages, k, eval: `vaekit eval zoo:${name}${kFlag(k)}` },
    check: {
      images: checkImages,
      k: checkK,
      value: checkValue,
      tolerance: flags.tolerance === undefined ? TOLERANCE[unit] : Number(flags.tolerance),
      eval: `vaekit eval zoo:${name} --limit ${checkImages}${kFlag(checkK)}`,
    },
  };
  const notes = [flags.note, bytes > 2e6 ? `${(bytes / 1e6).toFixed(1)} MB, over the zoo's 2 MB per model` : undefined].filter((n) => n);
  if (notes.length) entry.note = notes.join('; ');
  const manifest = readZoo(dir);
  const at = manifest.models.findIndex((m) => m.name === name);
  if (at >= 0) manifest.models[at] = entry;
  else manifest.models.push(entry);
  const path = join(dir, ZOO_MANIFEST);
  checkZooManifest(manifest, path);
  writeFileAtomic(path, JSON.stringify(manifest, null, 2) + '\n');
  console.log(`${entry.figure.name}: ${zooFigureText(value, unit)} on ${wholeImages} images${wholeSeconds ? ` (${formatDuration(wholeSeconds)})` : ''}; on the first ${checkImages}: ${zooFigureText(checkValue, unit)} (${formatDuration(sliceSeconds)})`);
  console.log(`${at >= 0 ? 'replaced' : 'added'} ${name} in ${path}`);
} finally {
  disposeRun(run);
}
