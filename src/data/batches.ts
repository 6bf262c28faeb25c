/**
 * Where training batches come from: a pass over the images per epoch, each batch addressed by (epoch, batch)
 * alone, so a run resumed at any batch sees what it would have seen. Dynamic binarization happens here, each
 * batch with its own stream (src/rng.ts).
 */
import { permutation, Rng, Stream } from '../rng.js';
import { binarizeBatch } from './binarize.js';
import { Dataset, imageSize } from './dataset.js';
import { gatherLabels, LabelSplit } from './labelSplit.js';
import { gatherBatch, inOrder } from './transforms.js';

/** Images of one batch, row after row, with their labels where the source gives them. */
export interface ImageBatch {
  x: Float32Array;
  rows: number;
  /** Labels in the order of the rows; -1 where the data set has none. */
  labels?: Int32Array;
}

/** A semi-supervised batch: labelled images with their labels, and images without (none when all are labelled). */
export interface MixedImageBatch {
  /** Values per image row. */
  dim: number;
  xl: Float32Array;
  yl: Int32Array;
  rowsL: number;
  xu: Float32Array | null;
  rowsU: number;
}

/** A batch, its rows, and the examples of the pass done once it is. */
export interface BatchOf<B> {
  batch: B;
  rows: number;
  done: number;
}

/** An epoch's batches. */
export interface BatchSource<B> {
  /** Batches in an epoch. */
  readonly batches: number;
  /** Examples in an epoch's pass, what progress counts to. */
  readonly passSize: number;
  /** Batch `b` of epoch `epoch`, and the examples of the pass done once it is; a streamed source resolves it once read. */
  batch(epoch: number, b: number): BatchOf<B> | Promise<BatchOf<B>>;
}

/** How a source draws its batches. */
export interface BatchOptions {
  batchSize: number;
  /** Seed of the shuffles and binarization draws. */
  seed: number;
  /** Redraw each batch's pixels as 0 or 1 by their intensities (dynamic binarization). Default false. */
  binarize?: boolean;
}

/** Labels of images `order[start..end)`; -1 where the data set has none. */
function labelsOrNone(d: Dataset, order: ArrayLike<number>, start: number, end: number): Int32Array {
  const out = new Int32Array(end - start).fill(-1);
  if (d.labels) for (let i = start; i < end; i++) out[i - start] = d.labels[order[i]];
  return out;
}

/**
 * Every image once per epoch, in the order `permutation(count, new Rng(seed, Stream.shuffle, epoch))`, in
 * batches of `batchSize` (the last one shorter); pixels binarized with `new Rng(seed, Stream.binarize, epoch,
 * batch)` when asked. With `labels`, each batch carries its images' labels.
 */
export class ShuffledBatches implements BatchSource<ImageBatch> {
  readonly batches: number;
  readonly passSize: number;
  private readonly dim: number;
  private readonly buffer: Float32Array;
  private order: Uint32Array | null = null;
  private orderEpoch = -1;

  constructor(private readonly data: Dataset, private readonly opts: BatchOptions & { labels?: boolean }) {
    this.passSize = data.count;
    this.batches = Math.ceil(data.count / opts.batchSize);
    this.dim = imageSize(data);
    this.buffer = new Float32Array(opts.batchSize * this.dim);
  }

  batch(epoch: number, b: number): { batch: ImageBatch; rows: number; done: number } {
    const { batchSize, seed } = this.opts;
    if (this.orderEpoch !== epoch) {
      this.order = permutation(this.data.count, new Rng(seed, Stream.shuffle, epoch));
      this.orderEpoch = epoch;
    }
    const order = this.order!;
    const start = b * batchSize;
    const end = Math.min(start + batchSize, this.data.count);
    const rows = end - start;
    const x = gatherBatch(this.data, order, start, end, this.buffer.subarray(0, rows * this.dim));
    if (this.opts.binarize) binarizeBatch(x, new Rng(seed, Stream.binarize, epoch, b));
    const labels = this.opts.labels ? labelsOrNone(this.data, order, start, end) : undefined;
    return { batch: { x, rows, labels }, rows, done: end };
  }
}

/**
 * The images once, in order, in batches of `batchSize`, binarized as the first epoch of a shuffled pass
 * draws (`new Rng(seed, Stream.binarize, 0, batch)`): what a closed-form fit sees.
 */
export function* batchesInOrder(data: Dataset, opts: BatchOptions): Generator<{ x: Float32Array; done: number; b: number }> {
  const order = inOrder(data.count);
  const batches = Math.ceil(data.count / opts.batchSize);
  for (let b = 0; b < batches; b++) {
    const end = Math.min((b + 1) * opts.batchSize, data.count);
    const x = gatherBatch(data, order, b * opts.batchSize, end);
    if (opts.binarize) binarizeBatch(x, new Rng(opts.seed, Stream.binarize, 0, b));
    yield { x, done: end, b };
  }
}

/**
 * The labelled examples of batch `b`: positions [b * size, (b + 1) * size) of an endless sequence of passes
 * over the labelled set, pass c in the order `permutation(count, new Rng(seed, Stream.labelledOrder, c))`.
 * Addressed by position alone, so a resumed run draws the same examples.
 */
class LabelledStream {
  private pass = -1;
  private order: Uint32Array = new Uint32Array(0);

  constructor(private readonly indices: Uint32Array, private readonly seed: number) {}

  take(position: number, size: number): Uint32Array {
    const n = this.indices.length;
    const out = new Uint32Array(size);
    for (let k = 0; k < size; k++) {
      const p = position + k;
      const pass = Math.floor(p / n);
      if (pass !== this.pass) {
        this.order = permutation(n, new Rng(this.seed, Stream.labelledOrder, pass));
        this.pass = pass;
      }
      out[k] = this.indices[this.order[p - pass * n]];
    }
    return out;
  }
}

/**
 * Semi-supervised batches: `batchSize` unlabelled images (a per-epoch shuffle of those without labels,
 * binarized with Stream.binarize) and `labelledBatch` labelled ones (an endless shuffled stream over the
 * labelled set, binarized with Stream.labelledBinarize). With every image labelled, the labelled stream is the
 * epoch's pass, in full batches.
 */
export class MixedBatches implements BatchSource<MixedImageBatch> {
  readonly batches: number;
  readonly passSize: number;
  private readonly dim: number;
  private readonly allLabelled: boolean;
  private readonly labelledSize: number;
  private readonly stream: LabelledStream;
  private order: Uint32Array | null = null;
  private orderEpoch = -1;

  constructor(private readonly data: Dataset, private readonly split: LabelSplit, private readonly opts: BatchOptions & { labelledBatch: number }) {
    this.dim = imageSize(data);
    this.allLabelled = split.unlabelled.length === 0;
    this.labelledSize = this.allLabelled ? opts.batchSize : Math.min(opts.labelledBatch, split.labelled.length);
    this.passSize = this.allLabelled ? split.labelled.length : split.unlabelled.length;
    this.batches = Math.ceil(this.passSize / opts.batchSize);
    this.stream = new LabelledStream(split.labelled, opts.seed);
  }

  batch(epoch: number, b: number): { batch: MixedImageBatch; rows: number; done: number } {
    const { batchSize, seed, binarize } = this.opts;
    const start = b * batchSize;
    const end = Math.min(start + batchSize, this.passSize);
    let xu: Float32Array | null = null;
    if (!this.allLabelled) {
      if (this.orderEpoch !== epoch) {
        this.order = permutation(this.split.unlabelled.length, new Rng(seed, Stream.shuffle, epoch));
        this.orderEpoch = epoch;
      }
      const indices = this.order!.subarray(start, end).map((i) => this.split.unlabelled[i]);
      xu = gatherBatch(this.data, indices, 0, indices.length);
      if (binarize) binarizeBatch(xu, new Rng(seed, Stream.binarize, epoch, b));
    }
    const rowsL = this.allLabelled ? end - start : this.labelledSize;
    const labelledIdx = this.stream.take((epoch * this.batches + b) * this.labelledSize, rowsL);
    const xl = gatherBatch(this.data, labelledIdx, 0, rowsL);
    if (binarize) binarizeBatch(xl, new Rng(seed, Stream.labelledBinarize, epoch, b));
    const yl = gatherLabels(this.data, labelledIdx, 0, rowsL);
    return { batch: { dim: this.dim, xl, yl, rowsL, xu, rowsU: xu ? end - start : 0 }, rows: end - start, done: end };
  }
}
