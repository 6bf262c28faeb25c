/** The network choice every kind with both networks offers: mlp or conv, its config fields and defaults. */
// Apart from networks.ts, which builds them: the config tables, and so the command line's flags and help, read it without loading tfjs.
import { FieldSpec } from '../config/schema.js';

export const NETS = ['mlp', 'conv'] as const;
export type NetKind = (typeof NETS)[number];

/** The fields of every kind that offers both networks. */
export interface NetFields {
  /** mlp: dense layers only; conv: strided convolutions, then the dense layers of `hidden`. Default 'mlp'. */
  net: NetKind;
  /** conv: channels of the convolutions (kernel 4, stride 2, padding 1), e.g. [32, 64]. Default [32, 64]. */
  channels: number[];
}

export const NET_DEFAULTS: NetFields = { net: 'mlp', channels: [32, 64] };

export const NET_FIELDS: FieldSpec[] = [
  { key: 'net', flag: 'net', help: 'encoder and decoder: mlp (dense layers) or conv (strided convolutions, then the --hidden dense layers; the decoder mirrors them with transposed convolutions)', type: { type: 'enum', choices: NETS } },
  { key: 'channels', flag: 'conv-channels', help: 'conv: channels of the convolutions, each kernel 4, stride 2, padding 1 (halving the image), e.g. 32,64', type: { type: 'int-list', min: 1 }, appliesWhen: (m) => m.net === 'conv' },
];
