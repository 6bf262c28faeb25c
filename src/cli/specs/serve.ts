/** The flags, help and examples of `vaekit serve`; its code, ../serve.ts, loads only when it runs. */
import { CommandSpec } from '../flags.js';

export const SERVE_SPEC: CommandSpec = {
  name: 'serve',
  summary: 'the browser app on a local HTTP server: explore a latent space, draw a digit, train in the tab',
  usage: 'vaekit serve [checkpoint file, run directory or zoo:<name>] [options]',
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
