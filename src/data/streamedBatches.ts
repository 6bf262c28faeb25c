/**
 * Training batches of a streamed data set: the same batches as ShuffledBatches over the same images (the same
 * per-epoch order, binarization draws and labels), their pixels read ahead of the trainer into a bounded cache,
 * so decoding overlaps the steps. A batch is addressed by (epoch, batch) alone, so a resumed run reads what it
 * would have read.
 */
import { permutation, Rng, Stream } from '../rng.js';
import { binarizeBatch } from './binarize.js';
import { BatchOptions, BatchSource, ImageBatch, ShuffledBatches } from './batches.js';
import { imageSize } from './dataset.js';
import { isStreamed, StreamedDataset, TrainImages } from './streamed.js';
import { gatherBatch, inOrder } from './transforms.js';

/** Batches decoded ahead of the one the trainer asks for, by default: enough to keep two decoders busy. */
export const DEFAULT_READ_AHEAD = 4;

/** A streamed source's options. */
export interface StreamedBatchOptions extends BatchOptions {
  /** Give each batch its images' labels (-1 where the set has none). Default false. */
  labels?: boolean;
  /** Batches read ahead of the current one (the cache holds these and the current one). Default DEFAULT_READ_AHEAD. */
  readAhead?: number;
}

/** Bytes the cache of a streamed pass over `count` images of `dim` bytes holds at most: the current batch and those read ahead. */
export function cacheBytes(count: number, batchSize: number, dim: number, readAhead = DEFAULT_READ_AHEAD): number {
  return Math.min(readAhead + 1, Math.ceil(count / batchSize)) * Math.min(batchSize, count) * dim;
}

type Key = string;
const keyOf = (epoch: number, b: number): Key => `${epoch}:${b}`;

/** ShuffledBatches' batches over a streamed set; `batch` resolves once the batch's pixels are read. */
export class StreamedBatches implements BatchSource<ImageBatch> {
  readonly batches: number;
  readonly passSize: number;
  /** The most bytes the cache of read batches holds: the current batch and those read ahead. */
  readonly cacheBytes: number;
  private readonly dim: number;
  private readonly buffer: Float32Array;
  private readonly readAhead: number;
  private readonly orders = new Map<number, Uint32Array>();
  private readonly cache = new Map<Key, Promise<Uint8Array>>();

  constructor(private readonly data: StreamedDataset, private readonly opts: StreamedBatchOptions) {
    this.passSize = data.count;
    this.batches = Math.ceil(data.count / opts.batchSize);
    this.dim = imageSize(data);
    this.buffer = new Float32Array(opts.batchSize * this.dim);
    this.readAhead = Math.max(0, opts.readAhead ?? DEFAULT_READ_AHEAD);
    this.cacheBytes = cacheBytes(data.count, opts.batchSize, this.dim, this.readAhead);
  }

  /** The order of an epoch's pass: ShuffledBatches' `permutation(count, new Rng(seed, Stream.shuffle, epoch))`. */
  private order(epoch: number): Uint32Array {
    let order = this.orders.get(epoch);
    if (!order) {
      order = permutation(this.data.count, new Rng(this.opts.seed, Stream.shuffle, epoch));
      this.orders.set(epoch, order);
      for (const e of this.orders.keys()) if (e < epoch - 1 || e > epoch + 1) this.orders.delete(e);
    }
    return order;
  }

  /** Starts reading batch `b` of `epoch` unless it is cached or on its way. */
  private request(epoch: number, b: number): Promise<Uint8Array> {
    const key = keyOf(epoch, b);
    let pending = this.cache.get(key);
    if (!pending) {
      const order = this.order(epoch);
      const start = b * this.opts.batchSize;
      const end = Math.min(start + this.opts.batchSize, this.data.count);
      const positions = order.subarray(start, end).map((i) => this.data.positions[i]);
      pending = this.data.reader.read(positions);
      // A batch read ahead that fails is reported when it is asked for, not as an unhandled rejection.
      pending.catch(() => {});
      this.cache.set(key, pending);
    }
    return pending;
  }

  async batch(epoch: number, b: number): Promise<{ batch: ImageBatch; rows: number; done: number }> {
    const wanted = this.request(epoch, b);
    // Batches before this one are no longer needed (a resumed run skips those it has trained).
    for (const key of [...this.cache.keys()]) {
      const [e, k] = key.split(':').map(Number);
      if (e < epoch || (e === epoch && k < b)) this.cache.delete(key);
    }
    for (let ahead = 1, e = epoch, k = b; ahead <= this.readAhead; ahead++) {
      k += 1;
      if (k === this.batches) [e, k] = [e + 1, 0];
      this.request(e, k);
    }
    const bytes = await wanted;
    this.cache.delete(keyOf(epoch, b));
    const { batchSize, seed } = this.opts;
    const start = b * batchSize;
    const end = Math.min(start + batchSize, this.data.count);
    const rows = end - start;
    const read = { name: this.data.name, images: bytes, count: rows, shape: this.data.shape };
    const x = gatherBatch(read, inOrder(rows), 0, rows, this.buffer.subarray(0, rows * this.dim));
    if (this.opts.binarize) binarizeBatch(x, new Rng(seed, Stream.binarize, epoch, b));
    let labels: Int32Array | undefined;
    if (this.opts.labels) {
      const order = this.order(epoch);
      labels = new Int32Array(rows).fill(-1);
      if (this.data.labels) for (let i = start; i < end; i++) labels[i - start] = this.data.labels[order[i]];
    }
    return { batch: { x, rows, labels }, rows, done: end };
  }
}

/** The shuffled batches of a run's training images: from memory, or read ahead from a stream. */
export function shuffledBatches(data: TrainImages, opts: StreamedBatchOptions): BatchSource<ImageBatch> {
  return isStreamed(data) ? new StreamedBatches(data, opts) : new ShuffledBatches(data, opts);
}
