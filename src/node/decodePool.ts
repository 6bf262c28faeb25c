/**
 * Decoding image files in worker threads (node:worker_threads), ahead of the trainer: a small pool, by default
 * min(2, cores), each thread decoding whole jobs of files. A pool reads the images of one folder by position
 * (the folder's sorted files), as a streamed data set's ImageReader.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ImageReader } from '../data/streamed.js';
import { decodeImageFile } from './imageDecode.js';

/** What a thread is sent: files to decode (their paths' bytes), their names for messages, and the fitted size. */
export interface DecodeJob {
  id: number;
  files: Uint8Array[];
  shown: string[];
  size: number;
  channels: 1 | 3;
}

/** What a thread sends back: the job's pixels, image after image, or the first error. */
export type DecodeReply = { id: number; pixels: Uint8Array } | { id: number; error: string };

/** Decoding threads by default: two, or one on a single core. */
export function defaultDecoders(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

/** The most images one thread is given at once, so a large read is spread over the threads. */
const MAX_JOB = 256;

/** The files a pool reads, by position. */
export interface FolderFiles {
  /** Each file's path as bytes (a name that is not valid UTF-8 is found all the same). */
  files: Buffer[];
  /** Each file's path as messages show it. */
  shown: string[];
  size: number;
  channels: 1 | 3;
}

interface Decoder {
  worker: Worker;
  pending: Map<number, { resolve(p: Uint8Array): void; reject(e: Error): void }>;
}

/**
 * A thread running decodeWorker, the file next to this one: the built .js, or from source the .ts through
 * tsx's loader, registered in the thread itself (a test runner's or tsx's own loader does not reach threads).
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./decodeWorker.js', import.meta.url));
  const worker = new URL('./decodeWorker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(worker)}); });`, { eval: true });
}

/** Files decoded at once by an InThreadReader: sharp decodes on libuv's threads, fitting is on this one. */
const IN_THREAD_AT_ONCE = 4;

/**
 * Reads a folder's images on this thread (sharp's decoding still runs on libuv's threads): what reading a
 * folder whole takes, without the start-up of decoding threads. Gives the pixels a DecodePool gives.
 */
export class InThreadReader implements ImageReader {
  constructor(private readonly folder: FolderFiles) {}

  async read(positions: Uint32Array): Promise<Uint8Array> {
    const { files, shown, size, channels } = this.folder;
    const bytes = size * size * channels;
    const out = new Uint8Array(positions.length * bytes);
    let next = 0;
    const lane = async () => {
      for (let k = next++; k < positions.length; k = next++) out.set(await decodeImageFile(files[positions[k]], shown[positions[k]], size, channels), k * bytes);
    };
    await Promise.all(Array.from({ length: IN_THREAD_AT_ONCE }, lane));
    return out;
  }

  async close(): Promise<void> {}
}

export class DecodePool implements ImageReader {
  private readonly decoders: Decoder[] = [];
  private nextId = 0;
  private turn = 0;
  private closed = false;

  constructor(private readonly folder: FolderFiles, readonly threads = defaultDecoders()) {}

  /** Bytes of one fitted image. */
  get imageBytes(): number {
    return this.folder.size * this.folder.size * this.folder.channels;
  }

  private decoder(): Decoder {
    if (this.decoders.length < this.threads) {
      const decoder: Decoder = { worker: startWorker(), pending: new Map() };
      decoder.worker.unref();
      decoder.worker.on('message', (reply: DecodeReply) => {
        const job = decoder.pending.get(reply.id);
        decoder.pending.delete(reply.id);
        if (decoder.pending.size === 0) decoder.worker.unref();
        if ('error' in reply) job?.reject(new Error(reply.error));
        else job?.resolve(reply.pixels);
      });
      const fail = (e: Error) => {
        for (const job of decoder.pending.values()) job.reject(e);
        decoder.pending.clear();
        const at = this.decoders.indexOf(decoder);
        if (at >= 0) this.decoders.splice(at, 1);
      };
      decoder.worker.on('error', (e) => fail(new Error(`an image decoding thread failed: ${e.message}`)));
      decoder.worker.on('exit', (code) => fail(new Error(`an image decoding thread stopped (exit code ${code})`)));
      this.decoders.push(decoder);
      return decoder;
    }
    // The thread with the fewest jobs waiting, so a slow job does not hold up the others.
    this.turn = (this.turn + 1) % this.decoders.length;
    return this.decoders.reduce((a, b) => (b.pending.size < a.pending.size ? b : a), this.decoders[this.turn]);
  }

  private job(positions: Uint32Array): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new Error('the image decoding pool is closed'));
    const { folder } = this;
    const decoder = this.decoder();
    const id = this.nextId++;
    const job: DecodeJob = {
      id,
      files: Array.from(positions, (p) => folder.files[p]),
      shown: Array.from(positions, (p) => folder.shown[p]),
      size: folder.size,
      channels: folder.channels,
    };
    return new Promise((resolve, reject) => {
      decoder.pending.set(id, { resolve, reject });
      // Held while a job is out, so the process waits for it; let go when idle, so an open pool never keeps it alive.
      decoder.worker.ref();
      decoder.worker.postMessage(job);
    });
  }

  /** The images at `positions`, image after image: split into jobs over the threads, joined in order. */
  async read(positions: Uint32Array): Promise<Uint8Array> {
    const jobs = Math.max(Math.min(this.threads, positions.length), Math.ceil(positions.length / MAX_JOB));
    const per = Math.ceil(positions.length / Math.max(jobs, 1));
    if (jobs <= 1) return this.job(positions);
    const parts = [];
    for (let start = 0; start < positions.length; start += per) parts.push(this.job(positions.subarray(start, start + per)));
    const out = new Uint8Array(positions.length * this.imageBytes);
    let at = 0;
    for (const part of await Promise.all(parts)) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  /**
   * Stops the threads; jobs still out (batches read ahead past the end) fail. Their end is not awaited: a thread
   * let go ends with the process at the latest, and a promise of its exit is not always kept.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const d of this.decoders.splice(0)) {
      for (const job of d.pending.values()) job.reject(new Error('the image decoding pool is closed'));
      d.pending.clear();
      d.worker.unref();
      void d.worker.terminate();
    }
  }
}
