/**
 * Data sets in memory: readers (IDX, AMAT, CIFAR-10, image folders), splits, batches, binarization, corruption.
 *
 * @module vaekit/data
 */
export { corrupt, corruptedCount, NOISES } from './corrupt.js';
export type { NoiseKind } from './corrupt.js';
export { encodeDatasetBinary, decodeDatasetBinary } from './datasetBinary.js';
export type { Dataset } from './dataset.js';
export { imageSize } from './dataset.js';
export { parseIdx, idxDataset } from './idx.js';
export { parseAmat } from './amat.js';
export { parseCifarBatch, encodeCifarBatch, cifarFromStrip, concatDatasets, CIFAR10_CLASSES } from './cifar.js';
export type { PixelImage } from './cifar.js';
export { fitImage } from './resize.js';
export type { AnyPixelImage } from './resize.js';
export { imageFolderDatasets, folderLabels, testPaths } from './imageFolder.js';
export type { FolderImage, ImageFolderOptions } from './imageFolder.js';
export { subset, splitValidation, gatherBatch, binarizeInPlace, binarizeDataset, limit } from './transforms.js';
export { prepareTrainingData, prepareTestData } from './prepare.js';
export { balancedLabelSplit } from './labelSplit.js';
export type { LabelSplit } from './labelSplit.js';
