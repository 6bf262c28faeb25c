import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAmat } from '../../src/data/amat.js';
import { amatLine } from './fixtures.js';

const SRC = '/d/binarized_mnist_test.amat';

/** Image i of the tests: pixel p is on when (p * (i + 1)) mod 3 == 0. */
function pixels(i: number): number[] {
  return Array.from({ length: 784 }, (_, p) => ((p * (i + 1)) % 3 === 0 ? 1 : 0));
}

test('parseAmat reads one image a line as 0/255 bytes of shape 28x28x1', () => {
  const text = [0, 1, 2].map((i) => amatLine(pixels(i))).join('\n') + '\n';
  const d = parseAmat(text, SRC);
  assert.equal(d.name, SRC);
  assert.equal(d.count, 3);
  assert.deepEqual(d.shape, [28, 28, 1]);
  assert.equal(d.labels, undefined);
  assert.equal(d.images.length, 3 * 784);
  for (let i = 0; i < 3; i++) {
    assert.deepEqual([...d.images.subarray(i * 784, (i + 1) * 784)], pixels(i).map((p) => p * 255));
  }
});

test('parseAmat tolerates CRLF, trailing spaces and tabs, no final newline, blank lines at the end', () => {
  const lines = [0, 1].map((i) => amatLine(pixels(i)));
  const expected = parseAmat(lines.join('\n'), SRC).images;
  for (const text of [lines.join('\r\n') + '\r\n', `${lines[0]} \t\n${lines[1]}  `, lines.join('\n') + '\n\n \n']) {
    const d = parseAmat(text, SRC);
    assert.equal(d.count, 2);
    assert.deepEqual(d.images, expected);
  }
});

test('parseAmat takes another image shape', () => {
  const d = parseAmat('0 1 1 0 1 0\n1 1 1 1 1 1\n', 'small', [2, 3, 1]);
  assert.equal(d.count, 2);
  assert.deepEqual([...d.images], [0, 255, 255, 0, 255, 0, 255, 255, 255, 255, 255, 255]);
});

test('parseAmat rejects a wrong count of values, naming the file and line', () => {
  const good = amatLine(pixels(0));
  assert.throws(() => parseAmat(`${good}\n${good} 1\n`, SRC), { message: `${SRC}: line 2: expected 784 values, found 785` });
  assert.throws(() => parseAmat(`${good}\n${good}\n${good.slice(2)}\n`, SRC), { message: `${SRC}: line 3: expected 784 values, found 783` });
});

test('parseAmat rejects values other than 0 and 1 with their position', () => {
  const values = pixels(0).map(String);
  values[9] = '0.5';
  assert.throws(() => parseAmat(`${amatLine(pixels(1))}\n${values.join(' ')}\n`, SRC), {
    message: `${SRC}: line 2: value "0.5" at position 10: expected 0 or 1`,
  });
  values[9] = '2';
  assert.throws(() => parseAmat(values.join(' '), SRC), { message: `${SRC}: line 1: value "2" at position 10: expected 0 or 1` });
});

test('parseAmat rejects separators other than single spaces', () => {
  const good = amatLine(pixels(0));
  assert.throws(() => parseAmat(good.replace(' ', '  '), SRC), {
    message: `${SRC}: line 1: empty value at position 2: expected values separated by single spaces`,
  });
  assert.throws(() => parseAmat(good.replaceAll(' ', ','), SRC), { message: /^\/d\/binarized_mnist_test\.amat: line 1: value "1,0,0,1,0,0,1,0,\.\.\." at position 1: expected 0 or 1$/ });
});

test('parseAmat rejects a blank line followed by more images', () => {
  const good = amatLine(pixels(0));
  assert.throws(() => parseAmat(`${good}\n\n${good}\n`, SRC), { message: `${SRC}: line 2: empty line: expected 784 values` });
});

test('parseAmat rejects an empty file', () => {
  for (const text of ['', '\n', '  \r\n\n']) {
    assert.throws(() => parseAmat(text, SRC), { message: `${SRC}: empty file: expected lines of 784 values 0 or 1` });
  }
});
