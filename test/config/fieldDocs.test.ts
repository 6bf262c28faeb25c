/**
 * A config field is described in three places that must agree: the interface's doc comment (for the library,
 * with the default stated), the defaults object, and the field table (key, flag, type, --help). The defaults
 * object is the one source of each default: a default stated in a doc comment is checked against it here, and
 * every kind's field table against its defaults' keys.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MODEL_KINDS } from '../../src/models/registry.js';
import { DATA_FIELDS } from '../../src/data/config.js';
import { TRAIN_FIELDS } from '../../src/config/train.js';
import { DATA_DEFAULTS, IMAGE_FOLDER_DEFAULTS, TRAIN_DEFAULTS } from '../../src/config/run.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The defaults stated in a file's doc comments, by the key they document: `/** ... Default 20. *\/ latentDim: number;`. */
export function statedDefaults(text: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const m of text.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*(\w+)\??:/g)) {
    const doc = m[1].replace(/\s*\n\s*\*\s?/g, ' ').trim();
    // "Default 50 (as in the paper).", "Default (and when absent) 'mlp'.": the value, without asides.
    const stated = /(?:^|\. )Default(?: \([^)]*\))? (.+?)(?: \([^)]*\))?\.$/.exec(doc);
    if (!stated) continue;
    const raw = stated[1];
    out.set(m[2], raw === 'none' ? [] : JSON.parse(raw.replace(/'/g, '"')));
  }
  return out;
}

test('statedDefaults reads the values and leaves the asides', () => {
  const text = "/** Dimensions of z. Default 50 (as in the paper). */\n  latentDim: number;\n  /**\n   * mlp or conv. Default (and when absent,\n   * as before) 'mlp'.\n   */\n  net?: NetKind;\n  /** Steps. Default none. */ lrSteps: number[];\n  /** Rate. Default 1e-3. */ lr: number;";
  assert.deepEqual([...statedDefaults(text)], [['latentDim', 50], ['net', 'mlp'], ['lrSteps', []], ['lr', 1e-3]]);
});

test('every default a doc comment states is the one the defaults object holds', async () => {
  const files = [
    ...readdirSync(join(ROOT, 'src', 'models')).filter((f) => f.endsWith('.ts')).map((f) => join('src', 'models', f)),
    join('src', 'config', 'train.ts'),
    join('src', 'data', 'config.ts'),
  ];
  let checked = 0;
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    if (!/_DEFAULTS\b|defaults:/.test(text)) continue;
    const module = (await import(pathToFileURL(join(ROOT, file)).href)) as Record<string, unknown>;
    // The file's defaults objects: its *_DEFAULTS exports and its kinds' specs' defaults.
    const defaults = Object.entries(module).flatMap(([name, value]) => {
      if (typeof value !== 'object' || value === null) return [];
      if (name.endsWith('_DEFAULTS')) return [value as Record<string, unknown>];
      const spec = value as { defaults?: unknown; fields?: unknown };
      return spec.defaults && spec.fields ? [spec.defaults as Record<string, unknown>] : [];
    });
    // A file with no config of its own (spec.ts, size.ts) states defaults of other things.
    if (defaults.length === 0) continue;
    for (const [key, value] of statedDefaults(text)) {
      const holders = defaults.filter((d) => key in d);
      assert.ok(holders.length > 0, `${file}: "${key}" states a default (${JSON.stringify(value)}) that no defaults object of the file holds`);
      for (const d of holders) assert.deepEqual(d[key], value, `${file}: "${key}" is documented with default ${JSON.stringify(value)}, its defaults object holds ${JSON.stringify(d[key])}`);
      checked++;
    }
  }
  assert.ok(checked > 50, `only ${checked} stated defaults found`);
});

test('each section\'s field table covers its defaults, key for key', () => {
  const keys = (fields: { key: string }[]) => fields.map((f) => f.key).sort();
  for (const spec of Object.values(MODEL_KINDS)) {
    assert.deepEqual(keys(spec.fields), Object.keys(spec.defaults).filter((k) => k !== 'kind').sort(), `model kind ${spec.kind}`);
    for (const f of spec.fields) assert.ok(f.help.length > 0, `${spec.kind}.${f.key}: no help`);
  }
  assert.deepEqual(keys(TRAIN_FIELDS), Object.keys(TRAIN_DEFAULTS).sort());
  assert.deepEqual(keys(DATA_FIELDS), Object.keys({ ...DATA_DEFAULTS, ...IMAGE_FOLDER_DEFAULTS }).sort());
});
