/**
 * A decoding thread of a DecodePool (src/node/decodePool.ts): decodes the files of each job it is sent and
 * sends back their pixels, one block per job, its buffer transferred rather than copied.
 */
import { parentPort } from 'node:worker_threads';
import { decodeImageFile } from './imageDecode.js';
import type { DecodeJob, DecodeReply } from './decodePool.js';

const port = parentPort;
if (!port) throw new Error('decodeWorker runs as a worker thread of a DecodePool');

port.on('message', async (job: DecodeJob) => {
  const bytes = job.size * job.size * job.channels;
  let reply: DecodeReply;
  try {
    const pixels = new Uint8Array(job.files.length * bytes);
    for (let k = 0; k < job.files.length; k++) pixels.set(await decodeImageFile(Buffer.from(job.files[k]), job.shown[k], job.size, job.channels), k * bytes);
    reply = { id: job.id, pixels };
    port.postMessage(reply, [pixels.buffer]);
  } catch (e) {
    reply = { id: job.id, error: (e as Error).message };
    port.postMessage(reply);
  }
});
