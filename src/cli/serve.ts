import { DatasetSpec } from '../node/datasets.js';
import { defaultAppDir, startAppServer } from '../node/appServer.js';
import { loadCheckpoint, resolveCheckpointPath } from '../node/runFiles.js';
import { readRunMeta } from '../io/run.js';
import { readZoo, zooDir } from '../node/zoo.js';
import { ParsedCommand, UsageError } from './flags.js';

/**
 * Serves until interrupted (Ctrl-C), printing the URL to open. No browser is started: the command may run on
 * a machine without one (open the URL through an SSH tunnel with --host left at 127.0.0.1).
 */
export async function serveCommand(args: ParsedCommand, log: (s: string) => void, stop?: Promise<void>): Promise<number> {
  const port = (args.flags.port as number | undefined) ?? 5757;
  if (port > 65535) throw new UsageError(`--port ${port}: expected a port number 0..65535`);
  const checkpoint = args.positionals[0] === undefined ? undefined : resolveCheckpointPath(args.positionals[0]);
  // The checkpoint's own data set is the natural one to plot its codes with; flags override it.
  const saved = checkpoint === undefined ? undefined : readRunMeta(loadCheckpoint(checkpoint), checkpoint).config.data;
  const data: DatasetSpec | undefined = args.flags['no-data'] === true ? undefined : {
    data: (args.flags.data as string | undefined) ?? saved?.data ?? 'mnist',
    dataDir: (args.flags['data-dir'] as string | undefined) ?? (args.flags.data === undefined ? saved?.dataDir ?? undefined : undefined),
  };
  const zoo = readZoo().models;
  const zooCount = zoo.length;
  const server = await startAppServer({
    appDir: (args.flags['app-dir'] as string | undefined) ?? defaultAppDir(),
    checkpoint,
    data,
    zoo: { dir: zooDir(), models: zoo },
    host: (args.flags.host as string | undefined) ?? '127.0.0.1',
    port,
    onError: (e) => process.stderr.write(`vaekit serve: ${e.message}\n`),
  });
  log(`vaekit app: ${server.url}`);
  log(`  model: ${checkpoint ?? 'the bundled demo (a 2-D VAE on MNIST)'}; data: ${data ? data.data : 'none'}`);
  log(`  model picker: the demo, ${zooCount} zoo model${zooCount === 1 ? '' : 's'} (vaekit zoo), a checkpoint file`);
  log('  open the URL in a browser; Ctrl-C stops the server');
  await (stop ?? untilInterrupted());
  await server.close();
  return 0;
}

function untilInterrupted(): Promise<void> {
  return new Promise((done) => {
    const finish = () => {
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      done();
    };
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
  });
}
