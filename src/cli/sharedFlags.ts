/**
 * The flags several commands share, and the model kind a command line asks for. Loads no tfjs: help and flag
 * errors are answered from these tables before any command's code is loaded.
 */
import { DATA_DEFAULTS, DATA_FIELDS, IMAGE_FOLDER_DEFAULTS, TRAIN_DEFAULTS, TRAIN_FIELDS } from '../config/run.js';
import { parseConfigText } from '../config/text.js';
import { isModelKind, MODEL_KINDS, modelKindSpec } from '../models/registry.js';
import { BACKENDS } from '../node/backendChoice.js';
import { readRegularFileSync } from '../node/files.js';
import { ENGINES } from '../node/native.js';
import { CommandFlag, FieldGroup } from './flags.js';
import { presetPath } from '../node/presets.js';

export const BACKEND_FLAG: CommandFlag = {
  flag: 'backend',
  help: "numeric engine: webgpu (a GPU through the optional package webgpu and Vulkan; where no GPU answers, Chromium's SwiftShader on the CPU), native (vaekit's tfjs backend on OpenBLAS and OpenMP, built at npm install where g++ and libopenblas0-openmp exist), wasm (one thread), cpu (plain JS) or tensorflow (@tensorflow/tfjs-node if installed); auto takes webgpu on a hardware GPU, else native where it loads, else tensorflow if installed, else wasm (vaekit info says which and why)",
  type: { type: 'enum', choices: BACKENDS },
  defaultText: 'auto',
};

/** The --threads flag: threads of the native backend and kernels. */
export const THREADS_FLAG: CommandFlag = {
  flag: 'threads',
  help: 'threads of the native backend and kernels (OpenMP and OpenBLAS)',
  type: { type: 'int', min: 1 },
  defaultText: 'OMP_NUM_THREADS if set, else all cores',
};

export const ENGINE_FLAG: CommandFlag = {
  flag: 'engine',
  help: 'how models that offer a hand-fused plan (MLP networks with the kernels\' decoders) train and are scored: native kernels (OpenBLAS, all cores; built at npm install where g++ and libopenblas0-openmp exist; training a model they cannot run, e.g. --net conv, is refused), portable (tfjs, the same numbers to float rounding), or auto: native where it loaded and the model allows, except on --backend webgpu, where every model runs on the GPU',
  type: { type: 'enum', choices: ENGINES },
  defaultText: 'auto',
};

/** The --model flag: which kind of model; its own flags follow from it. */
export const MODEL_FLAG: CommandFlag = {
  flag: 'model',
  help: `model kind: ${Object.values(MODEL_KINDS).map((s) => `${s.kind} (${s.description.split(':')[0]})`).join(', ')}; see --model <kind> --help for its flags`,
  type: { type: 'enum', choices: Object.keys(MODEL_KINDS) },
  defaultText: 'vae',
};

/**
 * The model kind a command line asks for, read before parsing since the kind decides which flags exist:
 * --model, else the "model.kind" of a --config file or --preset, else vae. Anything unreadable is left to the parser.
 */
export function modelKindOf(argv: string[]): string {
  let configPath: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    const value = inline ?? argv[i + 1];
    if (flag === '--model' && isModelKind(value)) return value;
    if (flag === '--config') configPath = value;
    if (flag === '--preset') configPath = presetPath(value) ?? undefined;
  }
  if (configPath) {
    try {
      const kind = (parseConfigText(readRegularFileSync(configPath).toString('utf8')) as { model?: { kind?: unknown } }).model?.kind;
      if (isModelKind(kind)) return kind;
    } catch {
      // reported by the command when it reads the file
    }
  }
  return 'vae';
}

/** The config groups shown by `vaekit train --help`: the model group is the kind's own. */
export function configGroups(kind = 'vae'): FieldGroup[] {
  const spec = modelKindSpec(kind);
  return [
    { title: `Model (${kind})`, section: 'model', fields: spec.fields, defaults: spec.defaults },
    { title: 'Training', section: 'train', fields: TRAIN_FIELDS, defaults: TRAIN_DEFAULTS },
    { title: 'Data', section: 'data', fields: DATA_FIELDS, defaults: { ...DATA_DEFAULTS, ...IMAGE_FOLDER_DEFAULTS } },
  ];
}

/**
 * A library message in the words of the command line: each config key it names as section.key (data.valSize)
 * becomes the flag that sets it (--val-size).
 */
export function inFlagTerms(message: string): string {
  const flags = new Map<string, string>();
  for (const f of TRAIN_FIELDS) flags.set(`train.${f.key}`, f.flag);
  for (const f of DATA_FIELDS) flags.set(`data.${f.key}`, f.flag);
  for (const spec of Object.values(MODEL_KINDS)) for (const f of spec.fields) if (!flags.has(`model.${f.key}`)) flags.set(`model.${f.key}`, f.flag);
  return message.replace(/\b(?:model|train|data)\.[A-Za-z]+\b/g, (key) => (flags.has(key) ? `--${flags.get(key)}` : key));
}

/**
 * The model flags of the other `kinds` that `kind` lacks, each with what to say when one is given with `kind`:
 * "does not apply to --model ae; it is a flag of --model vae, aae, ...".
 */
export function otherKindsFlags(kind: string, kinds: readonly string[], command: string): Map<string, string> {
  const own = new Set(modelKindSpec(kind).fields.map((f) => f.flag));
  const owners = new Map<string, string[]>();
  for (const other of kinds) {
    if (other === kind) continue;
    for (const { flag } of modelKindSpec(other).fields) if (!own.has(flag)) owners.set(flag, [...(owners.get(flag) ?? []), other]);
  }
  return new Map([...owners].map(([flag, owner]) => [flag, `does not apply to --model ${kind}; it is a flag of --model ${owner.join(', ')} (see vaekit ${command} --model ${kind} --help)`]));
}

export const SCALE_FLAG: CommandFlag = { flag: 'scale', help: 'nearest-neighbour upscaling of every image', type: { type: 'int', min: 1 }, defaultText: '2' };
export const SEED_FLAG: CommandFlag = { flag: 'seed', help: 'seed of the random draws', type: { type: 'int', min: 0 }, defaultText: '0' };
export const DATA_DIR_FLAG: CommandFlag = { flag: 'data-dir', help: 'read the test set from here instead of the place the run used', type: { type: 'string' } };

/** --out FILE, defaulting to `name` beside the checkpoint (in the run directory). */
export function outFlag(name: string): CommandFlag {
  return { flag: 'out', help: 'file to write', type: { type: 'string' }, defaultText: `${name} beside the checkpoint; runs/zoo/<name>/${name} for a zoo model` };
}

/** The flags every picture command ends with. */
export function commonViewFlags(outName: string): CommandFlag[] {
  return [outFlag(outName), BACKEND_FLAG];
}

export const LABEL_FLAG: CommandFlag = { flag: 'label', help: 'for a model that decodes given a label (cvae, m2): the label y every image is decoded with', type: { type: 'int', min: 0 } };
