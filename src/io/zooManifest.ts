/**
 * The model zoo's manifest (zoo/manifest.json): for each shipped model, where its weights are, how it was
 * trained and the figure it reaches, with a slice of the test set that re-measures it quickly. Browser-safe:
 * the app lists the same entries.
 */

/** A figure of an evaluation, as `vaekit eval` writes it to eval.json. */
export interface ZooFigure {
  /** What it is, as eval prints it: "test -log p(x|y)". */
  name: string;
  /** Where it sits in eval.json, dot-separated: "givenLabel.negLogLikelihood", "bitsPerDim.negElbo". */
  key: string;
  /** "nats", "bits/dim" or "%" (a fraction in eval.json, shown in percent). */
  unit: 'nats' | 'bits/dim' | '%';
  value: number;
  /** Test images it was measured on, the first ones: 10000 for the whole MNIST or CIFAR-10 test set. */
  images: number;
  /** Importance samples per image of -log p(x) (eval's --k); 0 where the figure needs none. */
  k: number;
  /** The command that measured it. */
  eval: string;
}

/** A slice of the test set that re-measures a figure in seconds, and how close a re-measurement must come. */
export interface ZooCheck {
  /** The first `images` test images (eval's --limit). */
  images: number;
  /** eval's --k on the slice; 0 where the figure needs none. */
  k: number;
  value: number;
  /** The largest difference a re-measurement may show: engines (native, portable) round differently. */
  tolerance: number;
  /** The command that measures it. */
  eval: string;
}

/** One model of the zoo. */
export interface ZooEntry {
  /** What `zoo:<name>` names. */
  name: string;
  /** The weights-only checkpoint, in the zoo folder. */
  file: string;
  /** Its size in bytes. */
  bytes: number;
  /** Model kind (vae, cvae, aae, m1m2...). */
  kind: string;
  /** The data set it was trained on. */
  data: string;
  /** One line. */
  description: string;
  /** The command that trained it. */
  command: string;
  /** How long it trained: epochs and wall time. */
  trained: string;
  figure: ZooFigure;
  check: ZooCheck;
  /** Anything a user should know, e.g. a file over 2 MB. */
  note?: string;
}

export interface ZooManifest {
  models: ZooEntry[];
}

/** A model name: what follows `zoo:`, and the checkpoint's file name before `.ckpt`. */
export const ZOO_NAME = /^[a-z0-9][a-z0-9._-]*$/;

const UNITS: readonly string[] = ['nats', 'bits/dim', '%'];

/** Checks a parsed manifest, so an edited file fails naming the field rather than later. */
export function checkZooManifest(value: unknown, source: string): ZooManifest {
  const fail = (what: string): never => {
    throw new Error(`${source}: ${what}`);
  };
  const models = (value as { models?: unknown } | null)?.models;
  if (!Array.isArray(models)) return fail('expected { "models": [...] }');
  const seen = new Set<string>();
  for (const [i, m] of (models as Record<string, unknown>[]).entries()) {
    const at = `models[${i}]`;
    if (typeof m !== 'object' || m === null) fail(`${at}: expected an object`);
    for (const key of ['name', 'file', 'kind', 'data', 'description', 'command', 'trained'] as const) {
      if (typeof m[key] !== 'string' || m[key] === '') fail(`${at}.${key}: expected text`);
    }
    const name = m.name as string;
    if (!ZOO_NAME.test(name)) fail(`${at}.name ${JSON.stringify(name)}: lower-case letters, digits, '.', '_' and '-' only`);
    if (seen.has(name)) fail(`${at}.name: ${name} is listed twice`);
    seen.add(name);
    if (m.file !== `${name}.ckpt`) fail(`${at}.file: expected ${name}.ckpt`);
    if (!isCount(m.bytes)) fail(`${at}.bytes: expected a size in bytes`);
    const figure = m.figure as Partial<ZooFigure> | undefined;
    if (typeof figure !== 'object' || figure === null) return fail(`${at}.figure: expected an object`);
    for (const key of ['name', 'key', 'eval'] as const) if (typeof figure[key] !== 'string') fail(`${at}.figure.${key}: expected text`);
    if (!UNITS.includes(figure.unit as string)) fail(`${at}.figure.unit: one of ${UNITS.join(', ')}`);
    if (!Number.isFinite(figure.value)) fail(`${at}.figure.value: expected a number`);
    if (!isCount(figure.images) || !isCount(figure.k)) fail(`${at}.figure: images and k must be whole numbers`);
    const check = m.check as Partial<ZooCheck> | undefined;
    if (typeof check !== 'object' || check === null) return fail(`${at}.check: expected an object`);
    if (!isCount(check.images) || check.images < 1 || !isCount(check.k)) fail(`${at}.check: images (at least 1) and k must be whole numbers`);
    if (!Number.isFinite(check.value)) fail(`${at}.check.value: expected a number`);
    if (!(typeof check.tolerance === 'number' && check.tolerance >= 0)) fail(`${at}.check.tolerance: expected a number >= 0`);
    if (typeof check.eval !== 'string') fail(`${at}.check.eval: expected text`);
    if (m.note !== undefined && typeof m.note !== 'string') fail(`${at}.note: expected text`);
  }
  return value as ZooManifest;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** The value at `key` ("givenLabel.negLogLikelihood") of an evaluation, or undefined where it has none. */
export function figureAt(evaluation: unknown, key: string): number | undefined {
  let v: unknown = evaluation;
  for (const part of key.split('.')) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[part] : undefined;
  return typeof v === 'number' ? v : undefined;
}

/** "141.23 nats", "4.352 bits/dim", "4.58 %": a figure in its unit. */
export function zooFigureText(value: number, unit: ZooFigure['unit']): string {
  if (unit === '%') return `${(100 * value).toFixed(2)} %`;
  return `${value.toFixed(unit === 'bits/dim' ? 3 : 2)} ${unit}`;
}
