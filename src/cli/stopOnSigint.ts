/** Ctrl-C during training: the first asks the run to stop after its current step and save; the second quits. */

/** A signal that the first Ctrl-C aborts; `dispose` removes the handler. */
export function stopOnSigint(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (!controller.signal.aborted) {
      process.stderr.write('\nstopping after this step and saving a checkpoint (Ctrl-C again to quit without saving)\n');
      controller.abort();
    } else process.exit(130); // every file is written atomically: quitting now leaves the last checkpoint whole
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}
