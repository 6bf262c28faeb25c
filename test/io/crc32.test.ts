import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from '../../src/io/crc32.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

test('crc32 matches the standard check values', () => {
  assert.equal(crc32(new Uint8Array(0)), 0);
  assert.equal(crc32(ascii('123456789')), 0xcbf43926);
  assert.equal(crc32(ascii('The quick brown fox jumps over the lazy dog')), 0x414fa339);
});

test('crc32 continues over pieces', () => {
  const whole = ascii('hello, checkpoint world');
  assert.equal(crc32(whole.subarray(7), crc32(whole.subarray(0, 7))), crc32(whole));
});
