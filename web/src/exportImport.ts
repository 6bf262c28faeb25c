/**
 * Export and import of checkpoints: the open model as a .ckpt file in the CLI's format (weights, Adam moments,
 * config, training state: `vaekit eval`, `vaekit sample` and `vaekit train --resume` take it), and a picked
 * .ckpt file opened in the page.
 */
import { encodeCheckpoint } from '../../src/io/checkpoint.js';
import { Run, runToCheckpoint } from '../../src/io/run.js';
import { runFromBytes } from './modelLoading.js';

/** The file name an export gets: kind and latent size, like the CLI's run folders. */
export function exportName(run: Run): string {
  const latent = (run.config.model as { latentDim?: number }).latentDim;
  return `vaekit-${run.config.model.kind}${latent === undefined ? '' : `-z${latent}`}-epoch${run.state.epoch}.ckpt`;
}

/** Starts a download of the run as a checkpoint file. */
export function downloadCheckpoint(run: Run): void {
  const bytes = encodeCheckpoint(runToCheckpoint(run));
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = exportName(run);
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own copy once started; give it a moment before freeing the blob.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Opens a picked checkpoint file. */
export async function importCheckpoint(file: File): Promise<Run> {
  return runFromBytes(new Uint8Array(await file.arrayBuffer()), file.name);
}
