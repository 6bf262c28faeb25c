/**
 * Pictures as pixel buffers and SVG strings: sample grids, reconstructions, manifolds, traversals, embeddings, reports.
 *
 * @module vaekit/views
 */
export { imageFromIntensities, imagesFromBatch, upscaleNearest } from './image.js';
export type { RgbaImage } from './image.js';
export { imageGrid, gridLayout, cellOrigin } from './grid.js';
export type { GridOptions, GridLayout } from './grid.js';
export { canEncode, canDecode, hasPrior, hasStandardNormalPrior } from './capabilities.js';
export { gaussianGridCoordinates, manifoldGrid, traversalCodes, lerp, slerp, interpolationCodes } from './latents.js';
export { sampleGrid, priorCodes, modelPriorCodes, labelSampleGrid } from './samples.js';
export { reconstructionGrid } from './reconstructions.js';
export { manifoldImage } from './manifold.js';
export { traversalImage } from './traversal.js';
export { interpolationImage } from './interpolation.js';
export { projectTo2d } from './projection.js';
export { embeddingSvg } from './embedding.js';
export { trainingCurves } from './curves.js';
export { reportHtml } from './report.js';
export { runReportHtml } from './runReport.js';
export { canDecodeGivenLabel, canEncodeGivenLabel, decoderForLabel } from './capabilities.js';
export { analogyImage } from './analogies.js';
export { confusionSvg } from './confusion.js';
