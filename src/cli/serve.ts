import { DatasetSpec } from '../node/datasets.js';
import { defaultAppDir, startAppServer } from '../node/appServer.js';
import { loadCheckpoint, resolveCheckpointPath } from '../node/runFiles.js';
import { readRunMeta } from '../io/run.js';
import { CommandSpec, parseCommand, UsageError } from './flags.js';

export const SERVE_SPEC: CommandSpec = {
  name: 'serve',
  summary: 'the browser app on a local HTTP server: explore a latent space, draw a digit, train in the tab',
  usage: 'vaekit serve [checkpoint file or run directory] [options]',
  optionalPositionals: ['checkpoint'],
  flags: [
    { flag: 'port', help: 'TCP port to listen on (0: any free port)', type: { type: 'int', min: 0 }, defaultText: '5757' },
    { flag: 'host', help: 'address to listen on; the default keeps the app on this machine. Requests must name the server in their Host header: this address, localhost, 127.0.0.1 or [::1] (for 0.0.0.0 or ::, any address or the name of this machine); others are refused (403), which keeps pages elsewhere from reading it through DNS rebinding', type: { type: 'string' }, defaultText: '127.0.0.1' },
    { flag: 'data', help: 'data set the page may train on and plot: mnist, fashion-mnist, binarized-mnist or a directory of IDX files', type: { type: 'string' }, defaultText: "the checkpoint's, else mnist" },
    { flag: 'data-dir', help: 'folder of the data set files (as in vaekit train)', type: { type: 'string' }, defaultText: "the checkpoint's, else the data set's usual place" },
    { flag: 'no-data', help: 'serve no data set (the page then trains only on files it is given)', type: { type: 'boolean' } },
    { flag: 'app-dir', help: 'folder of the built app', type: { type: 'string' }, defaultText: 'dist/web in the vaekit package (built by npm install)' },
  ],
  examples: ['vaekit serve', 'vaekit serve runs/vae-mnist-z2', 'vaekit serve runs/z2/last.ckpt --port 8080 --data fashion-mnist'],
};

/**
 * Serves until interrupted (Ctrl-C), printing the URL to open. No browser is started: the command may run on
 * a machine without one (open the URL through an SSH tunnel with --host left at 127.0.0.1).
 */
export async function serveCommand(argv: string[], log: (s: string) => void, stop?: Promise<void>): Promise<number> {
  const args = parseCommand(SERVE_SPEC, argv);
  if (args.help) return -1;
  const port = (args.flags.port as number | undefined) ?? 5757;
  if (port > 65535) throw new UsageError(`--port ${port}: expected a port number 0..65535`);
  const checkpoint = args.positionals[0] === undefined ? undefined : resolveCheckpointPath(args.positionals[0]);
  // The checkpoint's own data set is the natural one to plot its codes with; flags override it.
  const saved = checkpoint === undefined ? undefined : readRunMeta(loadCheckpoint(checkpoint), checkpoint).config.data;
  const data: DatasetSpec | undefined = args.flags['no-data'] === true ? undefined : {
    data: (args.flags.data as string | undefined) ?? saved?.data ?? 'mnist',
    dataDir: (args.flags['data-dir'] as string | undefined) ?? (args.flags.data === undefined ? saved?.dataDir ?? undefined : undefined),
  };
  const server = await startAppServer({
    appDir: (args.flags['app-dir'] as string | undefined) ?? defaultAppDir(),
    checkpoint,
    data,
    host: (args.flags.host as string | undefined) ?? '127.0.0.1',
    port,
    onError: (e) => process.stderr.write(`vaekit serve: ${e.message}\n`),
  });
  log(`vaekit app: ${server.url}`);
  log(`  model: ${checkpoint ?? 'the bundled demo (a 2-D VAE on MNIST)'}; data: ${data ? data.data : 'none'}`);
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
