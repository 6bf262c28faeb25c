/**
 * Layers: dense, convolutional and conditional networks, parameters and their initializers.
 *
 * @module vaekit/nn
 */
export { dense, denseAutodiff, ACTIVATIONS } from './dense.js';
export type { Activation } from './dense.js';
export { Mlp } from './mlp.js';
export { conv2d, conv2dTranspose, convOutputSize } from './conv.js';
export type { ConvGeometry } from './conv.js';
export { ConvTrunk, DeconvTrunk, CONV_GEOMETRY } from './convNet.js';
export type { ImageShape } from './convNet.js';
export { ParamStore, uniformFanIn } from './params.js';
export { ConditionalMlp } from './conditional.js';
