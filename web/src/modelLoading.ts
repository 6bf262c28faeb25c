/**
 * Opening models: the bundled demo (web/public/demo, made by scripts/train-demo.ts), the checkpoint that
 * `vaekit serve <ckpt>` offers, a model of the zoo it offers, or checkpoint bytes the user picked. All go through the CLI's own loader
 * (src/io/checkpoint.ts, src/io/run.ts), so any file `vaekit train` wrote opens here.
 */
import { decodeCheckpoint } from '../../src/io/checkpoint.js';
import { decodeCodes, LabelledCodes } from '../../src/io/codes.js';
import { Run, runFromCheckpoint } from '../../src/io/run.js';
import { fetchBytes, fetchJsonOrNull } from './fetchBytes.js';

/** What `vaekit serve` says it offers (src/node/appServer.ts). */
export interface Session {
  checkpoint: { name: string; bytes: number } | null;
  data: { name: string } | null;
  /** The model zoo (zoo/manifest.json); absent from an older server. */
  zoo?: ZooModel[];
}

/** A zoo model as the server lists it. */
export interface ZooModel {
  name: string;
  kind: string;
  data: string;
  description: string;
  /** Its test figure in words: "test -log p(x|y) 136.77 nats". */
  figure: string;
  bytes: number;
}

/** The served session, or null when the app is hosted as plain files. */
export function fetchSession(): Promise<Session | null> {
  return fetchJsonOrNull<Session>('api/session');
}

export function runFromBytes(bytes: Uint8Array, source: string): Run {
  return runFromCheckpoint(decodeCheckpoint(bytes, source), source);
}

interface DemoInfo {
  checkpoint: string;
  codes: string;
  description: string;
}

export async function loadDemo(): Promise<{ run: Run; codes: LabelledCodes; description: string }> {
  const info = await fetchJsonOrNull<DemoInfo>('demo/demo.json');
  if (!info) throw new Error('demo/demo.json: the demo model is missing from this build');
  const [ckpt, codes] = await Promise.all([fetchBytes(`demo/${info.checkpoint}`), fetchBytes(`demo/${info.codes}`)]);
  return { run: runFromBytes(ckpt, `demo/${info.checkpoint}`), codes: decodeCodes(codes, `demo/${info.codes}`), description: info.description };
}

export async function loadZooModel(name: string): Promise<Run> {
  return runFromBytes(await fetchBytes(`api/zoo/${encodeURIComponent(name)}`), `zoo:${name}`);
}

export async function loadServedCheckpoint(session: Session): Promise<Run> {
  return runFromBytes(await fetchBytes('api/checkpoint'), session.checkpoint?.name ?? 'api/checkpoint');
}
