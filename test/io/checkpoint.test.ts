import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckpointData, decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';

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

/** Offset of the data section: after magic, header length and the padded header. */
function dataStart(bytes: Uint8Array): number {
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  return (12 + headerLength + 3) & ~3;
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
  assert.deepEqual([...bytes.subarray(0, 8)], [0x56, 0x41, 0x45, 0x4b, 0x49, 0x54, 0, 1]);
  assert.equal(dataStart(bytes) % 4, 0);
  assert.deepEqual([...bytes.subarray(dataStart(bytes))], [0x00, 0x00, 0x80, 0x3f]); // 1.0f
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
  assertFails(bytes.subarray(0, 0), /truncated: expected at least 12 bytes, found 0/);
  assertFails(bytes.subarray(0, 5), /truncated: expected at least 12 bytes, found 5/);
  assertFails(bytes.subarray(0, 12), /truncated: expected at least \d+ bytes, found 12/);
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
  brokenJson[12] ^= 0x01; // the opening brace
  assertFails(brokenJson, /corrupt header/);

  const text = new TextDecoder().decode(bytes.subarray(12, dataStart(bytes))).replace(/\0+$/, '');
  const flipNumber = bytes.slice();
  const at = 12 + new TextEncoder().encode(text.slice(0, text.indexOf('"offset":24') + 10)).length;
  flipNumber[at] = '5'.charCodeAt(0); // tensor offset 24 -> 25: not float-aligned
  assertFails(flipNumber, /corrupt header: tensor "empty"/);

  const longLength = bytes.slice();
  longLength[11] = 0x7f; // header length far beyond the file
  assertFails(longLength, /truncated: expected at least \d+ bytes/);
});

test('a tensor outside the data section is rejected', () => {
  const bytes = encodeCheckpoint({ meta: {}, tensors: new Map([['w', new Float32Array([1, 2])]]) });
  const text = new TextDecoder().decode(bytes.subarray(12, dataStart(bytes)));
  const at = 12 + text.indexOf('"length":2') + 9;
  const copy = bytes.slice();
  copy[at] = '3'.charCodeAt(0);
  assertFails(copy, /tensor "w" \(offset 0, 3 floats\) lies outside the data section/);
});

test('bad magic and unknown versions are named', () => {
  const bytes = encodeCheckpoint(sample());
  assertFails(new TextEncoder().encode('{"not": "a checkpoint"}'), /not a vaekit checkpoint \(bad magic\)/);
  const png = bytes.slice();
  png.set([0x89, 0x50, 0x4e, 0x47], 0);
  assertFails(png, /not a vaekit checkpoint \(bad magic\)/);
  const v2 = bytes.slice();
  v2[7] = 2;
  assertFails(v2, /unsupported version 2/);
});
