import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointData, decodeCheckpoint, encodeCheckpoint } from '../io/checkpoint.js';
import { readFileOrThrow, writeFileAtomic } from './files.js';

/** The files of a run directory. */
export const RUN_FILES = {
  last: 'last.ckpt',
  best: 'best.ckpt',
  config: 'config.json',
  history: 'history.json',
  eval: 'eval.json',
} as const;

/** Writes checkpoint data atomically: a reader sees the old file or the new one, never half of one. */
export function saveCheckpoint(path: string, data: CheckpointData): void {
  writeFileAtomic(path, encodeCheckpoint(data));
}

/** Writes JSON atomically, pretty-printed. */
export function saveJson(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Resolves a checkpoint argument: a file, or a run directory (its best checkpoint, else its last).
 */
export function resolveCheckpointPath(target: string): string {
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
