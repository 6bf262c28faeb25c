import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CheckpointData, decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { crc32 } from '../../src/io/crc32.js';

const SOURCE = 'runs/vae/model.ckpt';

function sample(): CheckpointData {
  const big = new Float32Array(1_000_000);
  for (let i = 0; i < big.length; i++) big[i] = Math.sin(i) * 1e3;
  return {
    meta: {
      config: { kind: 'vae', latentDim: 2, hidden: [400], note: 'ünïcødé ✓' },
      epoch: 7,
      history: [{ loss: 103.21, kl: 25.02 }],
      done: false,
      nothing: null,
    },
    tensors: new Map([
      ['enc/w', new Float32Array([1.5, -2.25, 3.4e38, -0, Infinity, NaN])],
      ['empty', new Float32Array(0)],
      ['big', big],
      ['odd', new Float32Array([0.1, 0.2, 0.3])],
    ]),
  };
}

/** Where the header JSON starts: after magic, header length and, from version 2, the file's checksum. */
function headerStart(bytes: Uint8Array): number {
  return bytes[7] === 1 ? 12 : 16;
}

/** Offset of the data section: after the prefix and the padded header. */
function dataStart(bytes: Uint8Array): number {
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  return (headerStart(bytes) + headerLength + 3) & ~3;
}

/** The header JSON as text. */
function headerText(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes.subarray(headerStart(bytes), dataStart(bytes))).replace(/\0+$/, '');
}

/** A copy of `bytes` with the first `from` in the header replaced by `to`, of the same length. */
function editHeader(bytes: Uint8Array, from: string, to: string): Uint8Array {
  assert.equal(from.length, to.length);
  const text = headerText(bytes);
  const at = text.indexOf(from);
  assert.ok(at >= 0, `${from} in the header`);
  const copy = bytes.slice();
  copy.set(new TextEncoder().encode(to), headerStart(bytes) + new TextEncoder().encode(text.slice(0, at)).length);
  return copy;
}

/**
 * A file in format version 1, built from its layout independently of the encoder: the header carries the
 * CRC-32 of the data section only.
 */
function encodeVersion1(meta: Record<string, unknown>, tensors: Map<string, Float32Array>): Uint8Array {
  const entries: { name: string; length: number; offset: number }[] = [];
  let dataBytes = 0;
  for (const [name, values] of tensors) {
    entries.push({ name, length: values.length, offset: dataBytes });
    dataBytes += values.byteLength;
  }
  const data = new Uint8Array(dataBytes);
  let i = 0;
  for (const values of tensors.values()) data.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), entries[i++].offset);
  const crc = crc32(data).toString(16).padStart(8, '0');
  const header = new TextEncoder().encode(JSON.stringify({ meta, tensors: entries, dataBytes, crc32: crc }));
  const start = (12 + header.length + 3) & ~3;
  const out = new Uint8Array(start + dataBytes);
  out.set([0x56, 0x41, 0x45, 0x4b, 0x49, 0x54, 0, 1]);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  out.set(data, start);
  return out;
}

function assertFails(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(
    () => decodeCheckpoint(bytes, SOURCE),
    (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.ok(err.message.startsWith(`${SOURCE}: `), err.message);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

test('round trip keeps meta, tensor order and every bit', () => {
  const data = sample();
  const bytes = encodeCheckpoint(data);
  const back = decodeCheckpoint(bytes, SOURCE);
  assert.deepEqual(back.meta, data.meta);
  assert.deepEqual([...back.tensors.keys()], [...data.tensors.keys()]);
  for (const [name, values] of data.tensors) {
    const got = back.tensors.get(name)!;
    assert.equal(got.length, values.length, name);
    assert.deepEqual(
      new Uint8Array(got.buffer, got.byteOffset, got.byteLength),
      new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
      name,
    );
  }
  assert.equal(bytes.length, dataStart(bytes) + 4 * (6 + 0 + 1_000_000 + 3));
});

test('the file is little-endian with the documented layout', () => {
  const bytes = encodeCheckpoint({ meta: {}, tensors: new Map([['x', new Float32Array([1])]]) });
  assert.deepEqual([...bytes.subarray(0, 8)], [0x56, 0x41, 0x45, 0x4b, 0x49, 0x54, 0, 2]);
  assert.equal(dataStart(bytes) % 4, 0);
  assert.deepEqual([...bytes.subarray(dataStart(bytes))], [0x00, 0x00, 0x80, 0x3f]); // 1.0f
  // The checksum covers the whole file, its own four bytes read as zero.
  const zeroed = bytes.slice();
  zeroed.fill(0, 12, 16);
  assert.equal(new DataView(bytes.buffer).getUint32(12, true), crc32(zeroed));
  assert.deepEqual(JSON.parse(headerText(bytes)), { meta: {}, tensors: [{ name: 'x', length: 1, offset: 0 }], dataBytes: 4 });
});

test('decoded tensors are independent of the input bytes', () => {
  const bytes = encodeCheckpoint({ meta: {}, tensors: new Map([['x', new Float32Array([1, 2, 3])]]) });
  const back = decodeCheckpoint(bytes, SOURCE);
  bytes.fill(0);
  assert.deepEqual([...back.tensors.get('x')!], [1, 2, 3]);
});

test('decodes from an unaligned view and from a Buffer', () => {
  const bytes = encodeCheckpoint(sample());
  const shifted = new Uint8Array(bytes.length + 1);
  shifted.set(bytes, 1);
  const view = shifted.subarray(1);
  assert.deepEqual(decodeCheckpoint(view, SOURCE).tensors.get('odd'), new Float32Array([0.1, 0.2, 0.3]));
  const buf = Buffer.from(bytes);
  assert.equal(decodeCheckpoint(buf, SOURCE).tensors.get('big')!.length, 1_000_000);
});

test('an empty checkpoint round trips', () => {
  const back = decodeCheckpoint(encodeCheckpoint({ meta: {}, tensors: new Map() }), SOURCE);
  assert.deepEqual(back.meta, {});
  assert.equal(back.tensors.size, 0);
});

test('truncation anywhere is reported with the expected and found sizes', () => {
  const bytes = encodeCheckpoint(sample());
  const start = dataStart(bytes);
  assertFails(bytes.subarray(0, 0), /truncated: expected at least 16 bytes, found 0/);
  assertFails(bytes.subarray(0, 5), /truncated: expected at least 16 bytes, found 5/);
  assertFails(bytes.subarray(0, 12), /truncated: expected at least 16 bytes, found 12/);
  assertFails(bytes.subarray(0, 16), /truncated: expected at least \d+ bytes, found 16/);
  assertFails(bytes.subarray(0, 40), /truncated: expected at least \d+ bytes, found 40/);
  for (const cut of [start, start + 1, start + 1000, bytes.length - 1]) {
    assertFails(bytes.subarray(0, cut), new RegExp(`truncated: expected ${bytes.length} bytes, found ${cut}$`));
  }
});

test('trailing bytes are an error', () => {
  const bytes = encodeCheckpoint(sample());
  const longer = new Uint8Array(bytes.length + 4);
  longer.set(bytes);
  assertFails(longer, new RegExp(`trailing bytes: expected ${bytes.length} bytes, found ${bytes.length + 4}`));
});

test('a flipped byte in the data fails the checksum', () => {
  const bytes = encodeCheckpoint(sample());
  for (const at of [dataStart(bytes), bytes.length - 1, dataStart(bytes) + 12345]) {
    const copy = bytes.slice();
    copy[at] ^= 0x10;
    assertFails(copy, /corrupt: checksum mismatch/);
  }
});

test('a corrupted header is reported', () => {
  const bytes = encodeCheckpoint(sample());
  const brokenJson = bytes.slice();
  brokenJson[headerStart(bytes)] ^= 0x01; // the opening brace
  assertFails(brokenJson, /corrupt header/);

  // Tensor offset 24 -> 25: not float-aligned.
  assertFails(editHeader(bytes, '"offset":24', '"offset":25'), /corrupt header: tensor "empty"/);

  const longLength = bytes.slice();
  longLength[11] = 0x7f; // header length far beyond the file
  assertFails(longLength, /truncated: expected at least \d+ bytes/);
});

test('a tensor outside the data section is rejected', () => {
  const bytes = encodeCheckpoint({ meta: {}, tensors: new Map([['w', new Float32Array([1, 2])]]) });
  assertFails(editHeader(bytes, '"length":2', '"length":3'), /tensor "w" \(offset 0, 3 floats\) lies outside the data section/);
});

test('bad magic and unknown versions are named', () => {
  const bytes = encodeCheckpoint(sample());
  assertFails(new TextEncoder().encode('{"not": "a checkpoint"}'), /not a vaekit checkpoint \(bad magic\)/);
  const png = bytes.slice();
  png.set([0x89, 0x50, 0x4e, 0x47], 0);
  assertFails(png, /not a vaekit checkpoint \(bad magic\)/);
  const v3 = bytes.slice();
  v3[7] = 3;
  assertFails(v3, /unsupported version 3 \(this vaekit reads versions 1 and 2\)/);
});

test('the checksum covers the header: a changed value in the meta is caught', () => {
  const bytes = encodeCheckpoint({ meta: { config: { train: { beta: 1 } } }, tensors: new Map([['w', new Float32Array([1, 2])]]) });
  assertFails(editHeader(bytes, '"beta":1', '"beta":9'), /corrupt: checksum mismatch/);
  assertFails(editHeader(bytes, '"length":2', '"length":1'), /corrupt: checksum mismatch/);
  const prefix = bytes.slice();
  prefix[12] ^= 0x01; // the checksum itself
  assertFails(prefix, /corrupt: checksum mismatch/);
});

test('a version 1 file still loads: its data is checked, its header is not', () => {
  const meta = { config: { train: { beta: 1 } }, epoch: 2 };
  const tensors = new Map([['w', new Float32Array([1.5, -2])], ['b', new Float32Array([3])]]);
  const bytes = encodeVersion1(meta, tensors);
  const back = decodeCheckpoint(bytes, SOURCE);
  assert.deepEqual(back.meta, meta);
  assert.deepEqual(back.tensors, tensors);
  assert.deepEqual(decodeCheckpoint(editHeader(bytes, '"beta":1', '"beta":9'), SOURCE).meta, { ...meta, config: { train: { beta: 9 } } });
  const flipped = bytes.slice();
  flipped[bytes.length - 1] ^= 0x10;
  assertFails(flipped, /corrupt: checksum mismatch/);
  assertFails(editHeader(bytes, '"crc32":"', '"crc32":7'), /corrupt header/);
});

test('the bundled demo, a version 1 file, still loads', () => {
  const path = new URL('../../web/public/demo/vae-mnist-z2.ckpt', import.meta.url);
  const bytes = new Uint8Array(readFileSync(path));
  assert.equal(bytes[7], 1);
  const back = decodeCheckpoint(bytes, 'vae-mnist-z2.ckpt');
  assert.equal((back.meta.state as { epoch: number }).epoch, 30);
});
