/** The flags, help and examples of `vaekit info`; its code, ../info.ts, loads only when it runs. */
import { CommandSpec } from '../flags.js';
import { BACKEND_FLAG, THREADS_FLAG } from '../sharedFlags.js';

export const INFO_SPEC: CommandSpec = {
  name: 'info',
  summary: 'versions, the numeric engine in use, the model kinds and the data sets found',
  usage: 'vaekit info [--backend <name>] [--threads <n>]',
  flags: [BACKEND_FLAG, THREADS_FLAG],
};
