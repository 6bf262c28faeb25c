/**
 * The built app for the browser tests: dist/web as `npm install` builds it, rebuilt here (once, with Vite)
 * when a file it was made from (listed by the build in build-inputs.json), its static files, the Vite config
 * or package-lock.json is newer than the build.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const APP_DIR = join(ROOT, 'dist', 'web');
const INPUTS = join(APP_DIR, 'build-inputs.json');

function newest(path: string): number {
  const s = statSync(path, { throwIfNoEntry: false });
  if (!s) return Infinity; // a source that went away: rebuild
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function isFresh(): boolean {
  if (!existsSync(INPUTS)) return false;
  const built = statSync(INPUTS).mtimeMs;
  const listed = JSON.parse(readFileSync(INPUTS, 'utf8')) as string[];
  const sources = [...listed, 'web/index.html', 'web/public', 'web/vite.config.ts', 'package-lock.json'].map((f) => newest(join(ROOT, f)));
  return Math.max(...sources) < built;
}

/** dist/web, fresh. */
export async function builtApp(): Promise<string> {
  if (!isFresh()) await build({ configFile: join(ROOT, 'web', 'vite.config.ts'), logLevel: 'warn' });
  return APP_DIR;
}
