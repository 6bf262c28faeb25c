/**
 * Builds the browser app (web/) into dist/web with relative URLs, so `vaekit serve` (or any static server)
 * can host it under any path. The WebAssembly backend's .wasm files are copied next to the app (wasm/) and
 * loaded from there: the page fetches nothing from other hosts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, defineConfig, Plugin } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const wasmDir = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

/** Emits tfjs-backend-wasm's binaries as wasm/<name> in the build, and serves them there in `vite dev`. */
function localWasm(): Plugin {
  return {
    name: 'vaekit-local-wasm',
    generateBundle() {
      for (const name of WASM_FILES) this.emitFile({ type: 'asset', fileName: `wasm/${name}`, source: readFileSync(join(wasmDir, name)) });
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = /\/wasm\/([\w-]+\.wasm)$/.exec(req.url ?? '')?.[1];
        if (!name || !WASM_FILES.includes(name)) return next();
        res.setHeader('Content-Type', 'application/wasm');
        res.end(readFileSync(join(wasmDir, name)));
      });
    },
  };
}

/**
 * Lists the repository files the bundle was made from in build-inputs.json, so a test can tell whether the
 * build is older than its sources (test/web/build.ts) without rebuilding on every unrelated change.
 */
function recordInputs(): Plugin {
  return {
    name: 'vaekit-build-inputs',
    generateBundle() {
      const repo = join(here, '..');
      const files = [...this.getModuleIds()]
        .map((id) => id.split('?')[0])
        .filter((id) => id.startsWith(repo) && !id.includes('/node_modules/'))
        .map((id) => relative(repo, id))
        .sort();
      this.emitFile({ type: 'asset', fileName: 'build-inputs.json', source: JSON.stringify(files, null, 1) });
    },
  };
}

/**
 * The warn-level logger, less one expected note: each model kind's spec loads its model's code with a dynamic
 * import (so that the command line's help loads no tfjs), and in the app that code is in the one chunk already.
 */
function quietLogger() {
  const logger = createLogger('warn');
  const warn = logger.warn;
  logger.warn = (message, options) => {
    if (/src\/models\/\w+\.ts is dynamically imported by .*src\/models\/\w+Config\.ts but also statically imported/.test(message)) return;
    warn(message, options);
  };
  return logger;
}

export default defineConfig({
  root: here,
  base: './',
  publicDir: join(here, 'public'),
  logLevel: 'warn',
  customLogger: quietLogger(),
  plugins: [localWasm(), recordInputs()],
  build: {
    outDir: process.env.VAEKIT_WEB_OUT ?? join(here, '..', 'dist', 'web'),
    emptyOutDir: true,
    target: 'es2022',
    // tfjs is one large module graph; a single big chunk is expected, not a mistake.
    chunkSizeWarningLimit: 6000,
  },
  server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
});
