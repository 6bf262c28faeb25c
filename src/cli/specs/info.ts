/** The flags, help and examples of `vaekit info`; its code, ../info.ts, loads only when it runs. */
import { DATA_FIELDS } from '../../config/run.js';
import { CommandFlag, CommandSpec } from '../flags.js';
import { BACKEND_FLAG, THREADS_FLAG } from '../sharedFlags.js';

/** The data flags `vaekit info --data` describes a data set with, as `vaekit train` takes them. */
const DATA_FLAGS: CommandFlag[] = ['data', 'dataDir', 'imageSize', 'channels', 'limit', 'stream'].map((key) => {
  const f = DATA_FIELDS.find((d) => d.key === key)!;
  return { flag: f.flag, help: f.help, type: f.type };
});

export const INFO_SPEC: CommandSpec = {
  name: 'info',
  summary: 'versions, the numeric engine in use, the model kinds and the data sets found; with --data, how a data set would be held for training',
  usage: 'vaekit info [--backend <name>] [--threads <n>] [--data <set or folder> [--image-size <n>] [--channels <n>] [--stream <mode>]]',
  flags: [BACKEND_FLAG, THREADS_FLAG, ...DATA_FLAGS],
};
