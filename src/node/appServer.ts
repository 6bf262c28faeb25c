/**
 * The HTTP server behind `vaekit serve`: the built browser app (dist/web) as static files, plus the
 * checkpoint and the data set the command was given, on a loopback address by default.
 *
 *   GET /api/session                   JSON: what is served ({ checkpoint: { name, bytes } | null, data: { name } | null,
 *                                      zoo: [{ name, kind, data, description, figure, bytes }] })
 *   GET /api/checkpoint                the checkpoint file's bytes (src/io/checkpoint.ts format)
 *   GET /api/zoo/{name}                a zoo model's checkpoint bytes (zoo/manifest.json, src/node/zoo.ts)
 *   GET /api/data/{train,test}[?limit=N]  a split as one binary message (src/data/datasetBinary.ts), the first N images
 *
 * Every response carries the cross-origin isolation headers (COOP same-origin, COEP require-corp), which let
 * the page use SharedArrayBuffer and so the multi-threaded WebAssembly backend.
 *
 * A request is answered only if its Host header names this server (hostHeaderAllowed): a page elsewhere whose
 * name was rebound to 127.0.0.1 (DNS rebinding) sends its own name, and so cannot read the checkpoint or the
 * data. No response body names a local file: errors say what went wrong in the request, and the server's own
 * failures go to `onError`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { basename, dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATASET_BINARY_TYPE, encodeDatasetBinary } from '../data/datasetBinary.js';
import { Dataset } from '../data/dataset.js';
import { limit } from '../data/transforms.js';
import { DatasetSpec, LoadedData, loadDataset } from './datasets.js';
import { readFileOrThrow } from './files.js';
import { ZooEntry, zooFigureText } from '../io/zooManifest.js';

/** Where `npm run build:web` (run by `npm install`) puts the app: dist/web in the package. */
export function defaultAppDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'web');
}

export interface AppServerOptions {
  /** Folder of the built app (index.html and its assets). */
  appDir: string;
  /** A checkpoint file to offer the page, or none. */
  checkpoint?: string;
  /** The data set to offer for training and the latent scatter, or none. Loaded on first request. */
  data?: DatasetSpec;
  /** The model zoo to offer the page's model picker: its folder and models. Default: none. */
  zoo?: { dir: string; models: readonly ZooEntry[] };
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. Default 0. */
  port?: number;
  /** Told of a failure of the server itself (a data set that cannot be read...); the client gets only a 500. Default: none. */
  onError?: (e: Error) => void;
}

export interface AppServer {
  /** The app's address, e.g. http://127.0.0.1:5757/ */
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Starts the server; resolves once it listens. A taken port or bad host is an error naming it. */
export async function startAppServer(opts: AppServerOptions): Promise<AppServer> {
  const appDir = resolve(opts.appDir);
  if (!existsSync(join(appDir, 'index.html'))) {
    throw new Error(`${appDir}: the browser app is not built (no index.html): run "npm run build:web" in the vaekit folder`);
  }
  const checkpoint = opts.checkpoint === undefined ? null : { path: opts.checkpoint, bytes: readFileOrThrow(opts.checkpoint, 'checkpoint') };
  let data: Promise<LoadedData> | null = null;
  const loadData = (): Promise<LoadedData> => {
    if (!opts.data) throw new HttpError(404, 'this server was started without a data set');
    data ??= loadDataset(opts.data);
    return data;
  };

  // Known once the server listens: its address, and the Host headers that name it.
  const self = { url: '', named: (_header: string | undefined): boolean => false };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!self.named(req.headers.host)) throw new HttpError(403, `Host ${JSON.stringify(clip(req.headers.host ?? ''))} is not this server: open ${self.url}`);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      throw new HttpError(400, `bad request target ${clip(req.url ?? '')}`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `${req.method} is not served here: GET only`);
    const path = url.pathname;
    if (path === '/api/session') {
      const body = {
        checkpoint: checkpoint && { name: basename(checkpoint.path), bytes: checkpoint.bytes.length },
        data: opts.data ? { name: opts.data.data ?? 'mnist' } : null,
        zoo: (opts.zoo?.models ?? []).map((m) => ({ name: m.name, kind: m.kind, data: m.data, description: m.description, figure: `${m.figure.name} ${zooFigureText(m.figure.value, m.figure.unit)}`, bytes: m.bytes })),
      };
      return send(res, 200, TYPES['.json'], JSON.stringify(body), true);
    }
    if (path === '/api/checkpoint') {
      if (!checkpoint) throw new HttpError(404, 'no checkpoint: start the server as "vaekit serve <checkpoint>"');
      return send(res, 200, 'application/octet-stream', checkpoint.bytes, true);
    }
    const zooName = /^\/api\/zoo\/([^/]+)$/.exec(path)?.[1];
    if (zooName !== undefined) {
      const entry = opts.zoo?.models.find((m) => m.name === zooName);
      if (!opts.zoo || !entry) throw new HttpError(404, `no zoo model ${clip(zooName)}${opts.zoo?.models.length ? ` (the zoo holds ${opts.zoo.models.map((m) => m.name).join(', ')})` : ''}`);
      return send(res, 200, 'application/octet-stream', readFileOrThrow(join(opts.zoo.dir, entry.file), 'zoo model'), true);
    }
    const split = /^\/api\/data\/(train|test)$/.exec(path)?.[1] as 'train' | 'test' | undefined;
    if (split) {
      const count = limitParam(url.searchParams.get('limit'));
      const loaded = await loadData();
      const d: Dataset = loaded[split];
      return send(res, 200, DATASET_BINARY_TYPE, encodeDatasetBinary(count > 0 && count < d.count ? limit(d, count) : d), true);
    }
    if (path.startsWith('/api/')) throw new HttpError(404, `unknown endpoint ${clip(path)}`);
    return sendFile(res, appDir, path);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      // Only a refusal of the request says why; anything else may carry local paths, so it stays on the server.
      if (!(e instanceof HttpError)) opts.onError?.(e as Error);
      const [status, message] = e instanceof HttpError ? [e.status, e.message] : [500, 'internal error: the server could not answer this request (its log says why)'];
      if (!res.headersSent) send(res, status, 'text/plain; charset=utf-8', `${message}\n`, true);
      else res.destroy();
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await listen(server, host, opts.port ?? 0);
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  self.url = `http://${shownHost}:${port}/`;
  self.named = hostHeaderAllowed(host, port);
  return {
    url: self.url,
    close: () => new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((done, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') fail(new Error(`--port ${port}: already in use on ${host}; choose another (--port 0 picks a free one)`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') fail(new Error(`--host ${host}: not an address of this machine`));
      else fail(new Error(`cannot listen on ${host}:${port}: ${e.message}`));
    });
    server.listen(port, host, () => done());
  });
}

/** The names a loopback server answers to; a wildcard address adds every address and the name of this machine. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** `host` as it appears in a Host header: IPv6 addresses in brackets, lower case. */
function hostHeaderName(host: string): string {
  return (isIP(host) === 6 ? `[${host}]` : host).toLowerCase();
}

/**
 * Whether a request's Host header names this server, listening on `host`:`port`: a loopback name, the
 * address it listens on (the printed URL's host), or, listening on every address (0.0.0.0, ::), any address or
 * the name of this machine. A port in the header must be the server's; without one, it must be 80.
 */
export function hostHeaderAllowed(host: string, port: number): (header: string | undefined) => boolean {
  const names = new Set([...LOOPBACK_NAMES, hostHeaderName(host)]);
  if (host === '0.0.0.0' || host === '::') {
    for (const addresses of Object.values(networkInterfaces())) for (const a of addresses ?? []) names.add(hostHeaderName(a.address));
    names.add(hostname().toLowerCase());
  }
  return (header) => {
    const m = header === undefined ? null : /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(header.trim());
    if (!m) return false;
    return names.has(m[1].toLowerCase()) && Number(m[2] ?? 80) === port;
  };
}

/** Echoed request text, shortened: a response body quotes the request, not a megabyte of it. */
function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

function limitParam(raw: string | null): number {
  if (raw === null) return 0;
  if (!/^\d+$/.test(raw)) throw new HttpError(400, `limit=${clip(raw)}: expected a whole number of images (0: all)`);
  return Number(raw);
}

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array, noStore = false): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'X-Content-Type-Options': 'nosniff',
    ...(noStore ? { 'Cache-Control': 'no-store' } : {}),
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** Longer paths name no file of the app; the file system would refuse them with an error naming the folder. */
const MAX_PATH = 1024;

/** A file of the app; anything outside appDir (../ tricks) is not found. */
function sendFile(res: ServerResponse, appDir: string, urlPath: string): void {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    throw new HttpError(400, `bad path ${clip(urlPath)}`);
  }
  if (rel.includes('\0')) throw new HttpError(400, `bad path ${clip(urlPath)}: a null byte`);
  if (rel.length > MAX_PATH) throw new HttpError(404, `not found: ${clip(urlPath)}`);
  if (rel.endsWith('/')) rel += 'index.html';
  const file = normalize(join(appDir, rel));
  if (file !== appDir && !file.startsWith(appDir + sep)) throw new HttpError(404, `not found: ${clip(urlPath)}`);
  let stat;
  try {
    stat = statSync(file, { throwIfNoEntry: false });
  } catch {
    stat = undefined; // a name the file system cannot hold (too long a segment...) is no file of the app
  }
  if (!stat?.isFile()) throw new HttpError(404, `not found: ${clip(urlPath)}`);
  send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', readFileSync(file));
}
