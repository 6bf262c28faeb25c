import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './native.js';

/** The folder of named configs shipped with the package: configs/<name>.json. */
export const PRESETS_DIR = join(packageRoot(), 'configs');

/** The names of the shipped configs, sorted; none where the folder is missing. */
export function presetNames(): string[] {
  try {
    return readdirSync(PRESETS_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .sort();
  } catch {
    return [];
  }
}

/** The file of a shipped config by name, or null where there is none of that name. */
export function presetPath(name: string): string | null {
  return presetNames().includes(name) ? join(PRESETS_DIR, `${name}.json`) : null;
}
