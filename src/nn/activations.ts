// The nonlinearities' names, apart from dense.ts, which computes them.

/** Element-wise nonlinearities whose derivative can be written from the output y alone. */
export const ACTIVATIONS = ['linear', 'relu', 'tanh', 'sigmoid', 'elu', 'softplus'] as const;
export type Activation = (typeof ACTIVATIONS)[number];
