/**
 * Data sets in memory or read as a stream: readers (IDX, AMAT, CIFAR-10, image folders), splits, batches, binarization, corruption.
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
export { imageFolderDatasets, folderLabels, folderSplit, testPaths } from './imageFolder.js';
export type { FolderImage, FolderPart, ImageFolderOptions } from './imageFolder.js';
export { isStreamed, streamedSubset, readWhole } from './streamed.js';
export type { ImageReader, StreamedDataset, TrainImages } from './streamed.js';
export { StreamedBatches, shuffledBatches } from './streamedBatches.js';
export { subset, splitValidation, gatherBatch, binarizeInPlace, binarizeDataset, limit } from './transforms.js';
export { prepareTrainingData, prepareTestData } from './prepare.js';
export { balancedLabelSplit } from './labelSplit.js';
export type { LabelSplit } from './labelSplit.js';
