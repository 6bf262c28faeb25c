/**
 * The model zoo on disk: the package's zoo/ folder (weights-only checkpoints and manifest.json). `zoo:<name>`
 * names one of its models wherever a run is opened. The folder belongs to the package, so nothing is written
 * into it: what a command would write beside a zoo model goes to runs/zoo/<name>/ in the current directory.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunOptionError } from '../io/runOptionError.js';
import { checkZooManifest, ZooEntry, ZooManifest } from '../io/zooManifest.js';

/** What names a zoo model in place of a checkpoint path: `zoo:cvae-mnist-z2`. */
export const ZOO_PREFIX = 'zoo:';

export const ZOO_MANIFEST = 'manifest.json';

/** The package's zoo folder: zoo/ beside its package.json. */
export function zooDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'zoo');
}

/** The zoo's manifest, checked; an empty zoo where there is no manifest. */
export function readZoo(dir = zooDir()): ZooManifest {
  const file = join(dir, ZOO_MANIFEST);
  if (!existsSync(file)) return { models: [] };
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  return checkZooManifest(value, file);
}

/** The zoo model called `name`, or an error listing the known ones. */
export function zooEntry(name: string, dir = zooDir()): ZooEntry {
  const { models } = readZoo(dir);
  const entry = models.find((m) => m.name === name);
  if (entry) return entry;
  const known = models.length ? `the zoo holds ${models.map((m) => m.name).join(', ')}` : 'the zoo is empty';
  throw new RunOptionError(`${ZOO_PREFIX}${name}: no such model (${known}; vaekit zoo lists them)`);
}

/** The checkpoint file `zoo:<name>` names, or undefined for a target that does not start with `zoo:`. */
export function zooCheckpointPath(target: string, dir = zooDir()): string | undefined {
  if (!target.startsWith(ZOO_PREFIX)) return undefined;
  return join(dir, zooEntry(target.slice(ZOO_PREFIX.length), dir).file);
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** Whether `path` is the zoo folder or inside it (links followed). */
export function isInZoo(path: string, dir = zooDir()): boolean {
  const rel = relative(real(dir), real(resolve(path)));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The zoo model a checkpoint file is, by its place and name, or undefined for any other checkpoint. */
export function zooNameOf(checkpointPath: string, dir = zooDir()): string | undefined {
  if (!isInZoo(checkpointPath, dir) || !checkpointPath.endsWith('.ckpt')) return undefined;
  return basename(checkpointPath, '.ckpt');
}

/** Where outputs of zoo models go by default, under the current directory: runs/zoo/<name>. */
export const ZOO_OUTPUTS = join('runs', 'zoo');

/**
 * The directory of what a command writes beside a checkpoint (eval.json, samples.png...): the checkpoint's
 * own, or runs/zoo/<name> for a zoo model, whose folder is the package's.
 */
export function runOutputDir(checkpointPath: string, dir = zooDir()): string {
  const name = zooNameOf(checkpointPath, dir);
  return name === undefined ? dirname(checkpointPath) : join(ZOO_OUTPUTS, name);
}

/** Refuses a file or directory to be written inside the zoo folder, naming the option that asked for it. */
export function refuseZooWrite(path: string, flag: string, dir = zooDir()): void {
  if (!isInZoo(path, dir)) return;
  throw new RunOptionError(`${flag} ${path}: inside the model zoo (${dir}${sep}), which vaekit does not write into; choose another place`);
}
