/** What the picture commands (sample, reconstruct, manifold, embed, interpolate, traverse, report) share. */
import { dirname, join } from 'node:path';
import { countText } from '../config/size.js';
import { Dataset } from '../data/dataset.js';
import { disposeRun, Run, runFromCheckpoint } from '../io/run.js';
import { Model } from '../models/types.js';
import { BackendChoice, initBackend } from '../node/backend.js';
import { labelClasses, loadSplit } from '../node/datasets.js';
import { ensureDir } from '../node/files.js';
import { writePng } from '../node/png.js';
import { loadCheckpoint, resolveCheckpointPath } from '../node/runFiles.js';
import { refuseZooWrite, runOutputDir } from '../node/zoo.js';
import { canDecode, canDecodeGivenLabel, canEncode, CodeDecoder, CodeEncoder, hasPrior } from '../views/capabilities.js';
import { gridLayout } from '../views/grid.js';
import { RgbaImage } from '../views/image.js';
import { ParsedCommand, UsageError } from './flags.js';

/** A loaded checkpoint, ready to draw from. */
export interface OpenRun {
  path: string;
  run: Run;
}

/** Resolves the checkpoint argument (file, run directory or zoo:<name>), starts the engine and loads the run. */
export async function openRun(args: ParsedCommand): Promise<OpenRun> {
  const path = resolveCheckpointPath(args.positionals[0]);
  await initBackend((args.flags.backend as BackendChoice | undefined) ?? 'auto');
  return { path, run: runFromCheckpoint(loadCheckpoint(path), path) };
}

/** Runs `draw` on an opened checkpoint and frees the model whatever happens. */
export async function withRun<T>(args: ParsedCommand, draw: (opened: OpenRun) => Promise<T> | T): Promise<T> {
  const opened = await openRun(args);
  try {
    return await draw(opened);
  } finally {
    disposeRun(opened.run);
  }
}

/**
 * The output file: --out, else `name` in the checkpoint's directory (runs/zoo/<name>/ for a zoo model, whose
 * folder is the package's); its folder is created. A path inside the zoo is refused.
 */
export function outputPath(args: ParsedCommand, checkpointPath: string, name: string): string {
  const given = args.flags.out as string | undefined;
  const out = given ?? join(runOutputDir(checkpointPath), name);
  refuseZooWrite(out, given === undefined ? 'output' : '--out');
  ensureDir(dirname(out));
  return out;
}

/** The most pixels a picture may have: 100 million, 400 MB as RGBA; decoding and encoding more takes hours. */
export const MAX_PICTURE_PIXELS = 1e8;

/**
 * Refuses, before anything is decoded, a picture of `cells` images of `shape` laid out `columns` to a row that
 * would have more than MAX_PICTURE_PIXELS; the message names the flags among `flags` that were given.
 */
export function checkPicture(args: ParsedCommand, flags: string[], cells: number, columns: number, shape: readonly [number, number, number]): void {
  const { width, height } = gridLayout(cells, shape[1], shape[0], { columns, scale: scaleOf(args) });
  if (width * height <= MAX_PICTURE_PIXELS) return;
  const given = flags.filter((f) => args.flags[f] !== undefined).map((f) => `--${f} ${String(args.flags[f])}`);
  const sizedBy = flags.map((f) => `--${f}`).join(', ');
  throw new UsageError(`${given.length ? `${given.join(' ')}: ` : ''}the picture would be ${countText(width)} x ${countText(height)} pixels, more than the ${countText(MAX_PICTURE_PIXELS)} drawn at most (its size follows ${sizedBy})`);
}

export function scaleOf(args: ParsedCommand): number {
  return (args.flags.scale as number | undefined) ?? 2;
}

/**
 * The test images as the model's input expects them: intensities in [0, 1], not binarized, since a binarized
 * draw shows sampling noise rather than the digit. Refuses a data set of another image shape.
 */
export async function loadTestImages(args: ParsedCommand, opened: OpenRun): Promise<Dataset> {
  const { config, inputShape } = opened.run;
  const dataDir = (args.flags['data-dir'] as string | undefined) ?? config.data.dataDir ?? undefined;
  const { data: test, source } = await loadSplit({ data: config.data.data, dataDir, imageSize: config.data.imageSize, channels: config.data.channels, classes: labelClasses(config) }, 'test');
  if (test.shape.join('x') !== inputShape.join('x')) {
    throw new UsageError(`${opened.path} expects ${inputShape.join('x')} images, but ${source} has ${test.shape.join('x')}`);
  }
  return test;
}

/**
 * Refusals name the model kind and the missing part (the command is named where the message is printed), and
 * the flag that needs the part where one does: `requireEncoder(model, '--image')`.
 */
export function requireDecoder(model: Model, flag?: string): Model & CodeDecoder {
  const where = flag ? `${flag}: ` : '';
  if (!canDecode(model) && canDecodeGivenLabel(model)) throw new UsageError(`${where}model kind ${model.kind} decodes given a label: pass --label 0..${model.numClasses - 1}`);
  if (!canDecode(model)) throw new UsageError(`${where}model kind ${model.kind} has no decoder from codes to images`);
  return model;
}

export function requireEncoder(model: Model, flag?: string): Model & CodeEncoder {
  if (!canEncode(model)) throw new UsageError(`${flag ? `${flag}: ` : ''}model kind ${model.kind} has no encoder from images to codes`);
  return model;
}

export function requireAutoencoder(model: Model): Model & CodeEncoder & CodeDecoder {
  requireEncoder(model);
  return requireDecoder(model) as Model & CodeEncoder & CodeDecoder;
}

export function requirePrior(model: Model): Model & CodeDecoder {
  if (!hasPrior(model)) throw new UsageError(`model kind ${model.kind} has no prior over codes to sample from`);
  return requireDecoder(model);
}

/** Checks an image index given on the command line against the test set. */
export function checkIndex(flag: string, index: number, data: Dataset): number {
  if (index >= data.count) throw new UsageError(`--${flag} ${index}: the test set has ${data.count} images (0..${data.count - 1})`);
  return index;
}

/** Writes the PNG and prints its path alone on a line, so a script can take it (`open $(vaekit sample run)`). */
export function savePng(path: string, img: RgbaImage, log: (s: string) => void): void {
  writePng(path, img);
  log(path);
}
