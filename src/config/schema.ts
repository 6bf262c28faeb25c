/**
 * Typed, documented configuration fields. One table per section drives the JSON config check, the CLI
 * flags and `--help`, so a key, its flag, its type and its documentation cannot drift apart.
 */

export type FieldType =
  /** orAuto: the word 'auto' is a value too, meaning a default that depends on the data (e.g. data.valSize). */
  | { type: 'int'; min: number; max?: number; orAuto?: boolean }
  | { type: 'number'; min?: number; exclusiveMin?: number; exclusiveMax?: number }
  | { type: 'enum'; choices: readonly string[] }
  | { type: 'int-list'; min: number; allowEmpty?: boolean }
  | { type: 'string'; nullable?: boolean }
  | { type: 'boolean' };

export interface FieldSpec {
  /** Key in the JSON config. */
  key: string;
  /** Command-line flag, without the dashes. */
  flag: string;
  /** A second name for the flag (e.g. k for samples, the literature's K of the IWAE bound). Default none. */
  alias?: string;
  /** One line for --help. */
  help: string;
  type: FieldType;
  /**
   * Whether the field means anything, given the rest of its section (sigma only for the fixed-sigma decoder,
   * conv channels only for conv networks). Default: always. Logs show only the fields that apply.
   */
  appliesWhen?: (section: Record<string, unknown>) => boolean;
}

/** A configuration error: names the key or flag and what was expected. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function describeType(t: FieldType): string {
  switch (t.type) {
    case 'int':
      return `${t.max !== undefined ? `an integer from ${t.min} to ${t.max}` : `an integer >= ${t.min}`}${t.orAuto ? ' or auto' : ''}`;
    case 'number':
      if (t.exclusiveMax !== undefined) return `a number from ${t.min ?? t.exclusiveMin} to below ${t.exclusiveMax}`;
      return t.exclusiveMin !== undefined ? `a number > ${t.exclusiveMin}` : t.min !== undefined ? `a number >= ${t.min}` : 'a number';
    case 'enum':
      return `one of ${t.choices.join(', ')}`;
    case 'int-list':
      return `a comma-separated list of integers >= ${t.min}${t.allowEmpty ? ' (may be empty)' : ''}`;
    case 'string':
      return t.nullable ? 'a string or null' : 'a string';
    case 'boolean':
      return 'true or false';
  }
}

function fail(where: string, t: FieldType, got: unknown): never {
  throw new ConfigError(`${where}: expected ${describeType(t)}, got ${typeof got === 'number' ? String(got) : JSON.stringify(got)}`);
}

/** The [key, value] pairs of a resolved section whose field applies to it, in the fields' order. */
export function applicableEntries(fields: FieldSpec[], section: object): [string, unknown][] {
  const values = section as Record<string, unknown>;
  return fields.filter((f) => f.key in values && (f.appliesWhen?.(values) ?? true)).map((f) => [f.key, values[f.key]]);
}

/** Checks a value from a JSON config (or a default) against its field type. */
export function checkValue(spec: FieldSpec, value: unknown, where: string): unknown {
  const t = spec.type;
  switch (t.type) {
    case 'int':
      if (t.orAuto && value === 'auto') return value;
      // Safe integers only: past 2^53 a count is no longer exact (1e300 is an "integer" to Number.isInteger).
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < t.min || (t.max !== undefined && value > t.max)) fail(where, t, value);
      return value;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) fail(where, t, value);
      if ((t.min !== undefined && value < t.min) || (t.exclusiveMin !== undefined && value <= t.exclusiveMin)) fail(where, t, value);
      if (t.exclusiveMax !== undefined && value >= t.exclusiveMax) fail(where, t, value);
      return value;
    case 'enum':
      if (typeof value !== 'string' || !t.choices.includes(value)) fail(where, t, value);
      return value;
    case 'int-list':
      if (!Array.isArray(value) || (!t.allowEmpty && value.length === 0)) fail(where, t, value);
      for (const v of value) if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < t.min) fail(where, t, value);
      return [...value];
    case 'string':
      if (value === null && t.nullable) return null;
      if (typeof value !== 'string') fail(where, t, value);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') fail(where, t, value);
      return value;
  }
}

/** Parses a command-line string into the field's type. */
export function parseFlag(spec: FieldSpec, raw: string): unknown {
  const where = `--${spec.flag}`;
  const t = spec.type;
  switch (t.type) {
    case 'int':
    case 'number': {
      if (t.type === 'int' && t.orAuto && raw === 'auto') return raw;
      // Decimal notation only (1e-3 yes, 0x10 no): Number() alone would take hex and binary too.
      const n = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
      return checkValue(spec, Number.isNaN(n) ? raw : n, where);
    }
    case 'int-list': {
      const parts = raw.trim() === '' ? [] : raw.split(',').map((s) => (/^\s*\d+\s*$/.test(s) ? Number(s) : s));
      return checkValue(spec, parts, where);
    }
    case 'string':
      return t.nullable && raw === '' ? null : raw;
    case 'enum':
      return checkValue(spec, raw, where);
    case 'boolean':
      return checkValue(spec, raw === 'true' ? true : raw === 'false' ? false : raw, where);
  }
}

/**
 * Resolves one section: defaults, then a JSON object (a config file or a checkpoint), then flag values.
 * Unknown keys and wrong types are errors that name them.
 */
export function resolveSection<T extends object>(
  fields: FieldSpec[],
  defaults: T,
  layers: { source: string; values: Record<string, unknown> | undefined }[],
  fixedKeys: string[] = [],
): T {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const out = structuredClone(defaults) as Record<string, unknown>; // no aliasing of default lists
  for (const { source, values } of layers) {
    if (values === undefined) continue;
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      throw new ConfigError(`${source}: expected an object, got ${JSON.stringify(values)}`);
    }
    for (const [key, value] of Object.entries(values)) {
      if (fixedKeys.includes(key)) continue;
      const spec = byKey.get(key);
      if (!spec) throw new ConfigError(`${source}: unknown key "${key}" (known: ${[...byKey.keys()].join(', ')})`);
      out[key] = checkValue(spec, value, `${source}: "${key}"`);
    }
  }
  return out as T;
}
