/**
 * The shape of src/: no module reaches back up through its imports. Every static import and re-export (type-only
 * ones too: they tie the files together for a reader as much as for the compiler) is an edge; a cycle is an error
 * naming its files in order. A dynamic import() (a kind's spec loading its model's code on demand) is no edge.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** The files of src/ that `file` imports or re-exports from (static `from '...'` clauses only). */
export function localImports(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+['"](\.[^'"]+)['"]/gms)) {
    out.push(resolve(dirname(file), m[1].replace(/\.js$/, '.ts')));
  }
  return [...new Set(out)];
}

/** Every cycle found by a depth-first search, each as the files in import order, the first repeated at the end. */
export function importCycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

test('the cycle search finds a cycle, and none in a chain', () => {
  assert.deepEqual(importCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), [['a', 'b', 'c', 'a']]);
  assert.deepEqual(importCycles(new Map([['a', ['b']], ['b', ['c']], ['c', []]])), []);
  assert.deepEqual(localImports('/x/a.ts', "import type { T } from './t.js';\nexport { u } from '../u.js';\nimport {\n  v,\n} from './v.js';"), ['/x/t.ts', '/u.ts', '/x/v.ts']);
});

test('no import cycle in src/', () => {
  const graph = new Map(sourceFiles(SRC).map((file) => [file, localImports(file, readFileSync(file, 'utf8'))]));
  const cycles = importCycles(graph).map((c) => c.map((f) => relative(ROOT, f)).join(' -> '));
  assert.deepEqual(cycles, []);
});
