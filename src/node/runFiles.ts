import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointData, decodeCheckpoint, encodeCheckpoint } from '../io/checkpoint.js';
import { readFileOrThrow, writeFileAtomic } from './files.js';
import { zooCheckpointPath } from './zoo.js';

/** The files of a run directory. */
export const RUN_FILES = {
  last: 'last.ckpt',
  best: 'best.ckpt',
  config: 'config.json',
  history: 'history.json',
  eval: 'eval.json',
  /** A two-stage run at the end of its first stage (vaekit ssl). */
  stageOne: 'stage1.ckpt',
  /** A semi-supervised run's test error (vaekit ssl). */
  result: 'result.json',
} as const;

/**
 * Everything vaekit writes into a run directory: the run's own files, then what the view commands write beside
 * a checkpoint by default. A directory holding any of them holds a run.
 */
export const RUN_OUTPUTS: readonly string[] = [
  ...Object.values(RUN_FILES),
  'samples.png',
  'reconstructions.png',
  'manifold.png',
  'embedding.svg',
  'interpolation.png',
  'traversal.png',
  'analogies.png',
  'report.html',
  'confusion.svg',
  'classify.json',
];

/** The files of RUN_OUTPUTS present in `dir`. */
export function runOutputsIn(dir: string): string[] {
  return RUN_OUTPUTS.filter((name) => statSync(join(dir, name), { throwIfNoEntry: false })?.isFile() === true);
}

/** Deletes the files of RUN_OUTPUTS in `dir` but `keep`; returns the names deleted. */
export function removeRunOutputs(dir: string, keep: readonly string[] = []): string[] {
  const removed = runOutputsIn(dir).filter((name) => !keep.includes(name));
  for (const name of removed) rmSync(join(dir, name), { force: true });
  return removed;
}

/** Writes checkpoint data atomically: a reader sees the old file or the new one, never half of one. */
export function saveCheckpoint(path: string, data: CheckpointData): void {
  writeFileAtomic(path, encodeCheckpoint(data));
}

/** Writes JSON atomically, pretty-printed. */
export function saveJson(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Resolves a checkpoint argument: a file, a run directory (its best checkpoint, else its last), or
 * `zoo:<name>`, a model of the package's zoo (src/node/zoo.ts).
 */
export function resolveCheckpointPath(target: string): string {
  const zoo = zooCheckpointPath(target);
  if (zoo !== undefined) return zoo;
  const stat = statSync(target, { throwIfNoEntry: false });
  if (!stat) throw new Error(`checkpoint not found: ${target}`);
  if (!stat.isDirectory()) return target;
  for (const name of [RUN_FILES.best, RUN_FILES.last]) {
    const p = join(target, name);
    if (existsSync(p)) return p;
  }
  throw new Error(`${target}: no ${RUN_FILES.best} or ${RUN_FILES.last} in this directory (is it a vaekit run directory?)`);
}

/** Reads and checks a checkpoint file. */
export function loadCheckpoint(path: string): CheckpointData {
  return decodeCheckpoint(readFileOrThrow(path, 'checkpoint'), path);
}
