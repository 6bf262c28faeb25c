/**
 * Latent codes with their labels as one small binary file: the browser app's scatter of the test set, shipped
 * beside the demo model so the page needs no data set to draw it.
 *
 *   bytes 0..7     magic "VKCODES" + version byte (1)
 *   bytes 8..19    uint32 LE: count, latentDim, hasLabels (0 or 1)
 *   then           float32 LE codes [count, latentDim], then labels (count bytes) when hasLabels
 */

const MAGIC = [0x56, 0x4b, 0x43, 0x4f, 0x44, 0x45, 0x53]; // "VKCODES"; the version byte follows
const VERSION = 1;
const FIXED_BYTES = 20;

/** Codes of `count` items, with a label each when known. */
export interface LabelledCodes {
  codes: Float32Array;
  latentDim: number;
  labels?: Uint8Array;
}

export function encodeCodes(c: LabelledCodes): Uint8Array {
  const count = c.codes.length / c.latentDim;
  if (!Number.isInteger(count)) throw new Error(`codes of length ${c.codes.length} are not rows of the latent size ${c.latentDim}`);
  if (c.labels && c.labels.length !== count) throw new Error(`${count} codes but ${c.labels.length} labels`);
  const out = new Uint8Array(FIXED_BYTES + 4 * c.codes.length + (c.labels ? count : 0));
  out.set(MAGIC, 0);
  out[7] = VERSION;
  const view = new DataView(out.buffer);
  [count, c.latentDim, c.labels ? 1 : 0].forEach((v, i) => view.setUint32(8 + 4 * i, v, true));
  c.codes.forEach((v, i) => view.setFloat32(FIXED_BYTES + 4 * i, v, true));
  if (c.labels) out.set(c.labels, FIXED_BYTES + 4 * c.codes.length);
  return out;
}

/** Parses a file written by `encodeCodes`; errors start with `source`. */
export function decodeCodes(bytes: Uint8Array, source: string): LabelledCodes {
  const fail = (message: string): never => {
    throw new Error(`${source}: ${message}`);
  };
  if (bytes.length < FIXED_BYTES || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a vaekit codes file (bad magic or too short)');
  if (bytes[7] !== VERSION) fail(`unsupported version ${bytes[7]} (this vaekit reads version ${VERSION})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [count, latentDim, hasLabels] = [0, 1, 2].map((i) => view.getUint32(8 + 4 * i, true));
  if (latentDim < 1 || hasLabels > 1) fail(`bad header: latentDim ${latentDim}, label flag ${hasLabels}`);
  const expected = FIXED_BYTES + 4 * count * latentDim + (hasLabels ? count : 0);
  if (bytes.length !== expected) fail(`expected ${expected} bytes for ${count} codes of ${latentDim} dimensions, found ${bytes.length}`);
  const codes = new Float32Array(count * latentDim);
  for (let i = 0; i < codes.length; i++) codes[i] = view.getFloat32(FIXED_BYTES + 4 * i, true);
  const labels = hasLabels ? bytes.slice(FIXED_BYTES + 4 * codes.length, expected) : undefined;
  return { codes, latentDim, labels };
}
