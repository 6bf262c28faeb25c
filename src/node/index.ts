/**
 * Node's edge: the engine, run directories (train, resume, evaluate), data sets from disk, files, progress.
 *
 * @module vaekit/node
 */
export { initBackend, fusedLoad, BACKENDS } from './backend.js';
export type { BackendChoice } from './backend.js';
export { loadDataset, loadSplit, mnistDataDir } from './datasets.js';
export type { DatasetSpec, LoadedData } from './datasets.js';
export { loadCifarBinDir, loadCifarStripDir, tfjsCifar10Dir, CIFAR_BIN_FILES } from './cifar10.js';
export { loadImageFolder, listImageFiles, decodeImage, IMAGE_EXTENSIONS } from './imageFolder.js';
export { readMaybeGzip } from './gzip.js';
export { writeFileAtomic, ensureDir, readFileOrThrow } from './files.js';
export { Progress, formatDuration } from './progress.js';
export { saveCheckpoint, loadCheckpoint, resolveCheckpointPath, RUN_FILES } from './runFiles.js';
export { lockRunDirectory, LOCK_FILE, RunDirectoryLockedError } from './runLock.js';
export type { LockOwner, RunLock } from './runLock.js';
export { encodePng, decodePng, writePng, pngDataUri } from './png.js';
export { startAppServer, defaultAppDir } from './appServer.js';
export type { AppServer, AppServerOptions } from './appServer.js';
export { startEngine } from './engine.js';
export type { Engine, EngineOptions } from './engine.js';
export { trainRunDirectory, RunDivergedError, OPTION_NAMES } from './runSession.js';
export type { TrainDirectoryOptions, TrainDirectoryResult, SessionProgress, SessionNames, SessionChecks, DataSummary } from './runSession.js';
export { openRunDirectory } from './runDirectory.js';
export type { OpenRunDirectory, OpenRunDirectoryOptions } from './runDirectory.js';
export { evaluate, evaluationData } from './evaluate.js';
export type { EvaluateOptions, EvaluateProgress } from './evaluate.js';
export { fit, loadRun, defaultRunDirectory } from './fit.js';
export type { FitOptions } from './fit.js';
export { loadNativeKernels, kernelsFor, describeKernels, ENGINES } from './native.js';
export type { EngineChoice, NativeLoad } from './native.js';
export { describeBackend } from './backend.js';
export { readZoo, zooEntry, zooDir, ZOO_PREFIX } from './zoo.js';
