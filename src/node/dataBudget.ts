/**
 * The data budget: how many bytes of training images a run holds in memory before `data.stream 'auto'` reads
 * an image folder as a stream instead. A quarter of the memory the process may use, which is the least of
 * V8's heap limit (`--max-old-space-size`), the cgroup's memory limit (a container's), and the machine's memory:
 * the rest is left to the model, the optimizer, tfjs and the decoders.
 */
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';

/** The share of the process's memory the training images may take in memory. */
export const DATA_BUDGET_SHARE = 0.25;

/** The memory the process may use, and what limits it. */
export function processMemory(): { bytes: number; by: string } {
  const limits: { bytes: number; by: string }[] = [
    { bytes: getHeapStatistics().heap_size_limit, by: "V8's heap limit" },
    { bytes: totalmem(), by: "the machine's memory" },
  ];
  // 0 or undefined where no cgroup limits the process; a very large value where its limit is 'max'.
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  if (constrained && constrained < 2 ** 60) limits.push({ bytes: constrained, by: "the cgroup's memory limit" });
  return limits.reduce((a, b) => (b.bytes < a.bytes ? b : a));
}

/** The data budget in bytes, and what sets it. */
export function dataBudget(): { bytes: number; by: string } {
  const memory = processMemory();
  return { bytes: Math.floor(memory.bytes * DATA_BUDGET_SHARE), by: `a quarter of ${memory.by}` };
}

/** Bytes as people read them: 512 B, 3.4 kB, 12.3 MB, 2.1 GB (powers of 1000). */
export function bytesText(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
