/**
 * The names of the numeric backends, apart from the code that starts them: the command line's flags and help
 * read these without loading tfjs.
 */
export const BACKENDS = ['auto', 'webgpu', 'native', 'wasm', 'cpu', 'tensorflow'] as const;
export type BackendChoice = (typeof BACKENDS)[number];
