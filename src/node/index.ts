// vaekit's Node edge: engine start-up, data sets from disk, files, progress.
export { initBackend, fusedLoad, BACKENDS } from './backend.js';
export type { BackendChoice } from './backend.js';
export { loadDataset, mnistDataDir } from './datasets.js';
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
