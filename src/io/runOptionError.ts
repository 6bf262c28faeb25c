// Apart from the session, so that the CLI's entry point can recognize it without loading tfjs.

/**
 * A run's options that cannot be honoured (resume without a checkpoint, a directory holding another run, a warm
 * start sharing nothing): the caller asked for something else. The CLI reports it as a usage error.
 */
export class RunOptionError extends Error {
  override name = 'RunOptionError';
}
