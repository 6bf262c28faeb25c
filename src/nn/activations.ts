// Apart from dense.ts, which computes them: the config tables, and so the command line's flags and help, read it without loading tfjs.

/** Element-wise nonlinearities whose derivative can be written from the output y alone. */
export const ACTIVATIONS = ['linear', 'relu', 'tanh', 'sigmoid', 'elu', 'softplus'] as const;
export type Activation = (typeof ACTIVATIONS)[number];
