/**
 * Reader for the `.amat` text files of the statically binarized MNIST of Larochelle & Murray (2011):
 * one image a line, its pixels as `0`/`1` separated by single spaces.
 */
import { Dataset } from './dataset.js';

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const ZERO = 0x30;
const ONE = 0x31;

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === CR;
}

/** Explains why a line is not `size` values 0/1 separated by single spaces (the slow path). */
function lineError(line: string, lineNo: number, size: number, source: string): Error {
  const values = line.split(' ');
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (v === '0' || v === '1') continue;
    if (v === '') {
      return new Error(`${source}: line ${lineNo}: empty value at position ${k + 1}: expected values separated by single spaces`);
    }
    const shown = JSON.stringify(v.length > 16 ? `${v.slice(0, 16)}...` : v);
    return new Error(`${source}: line ${lineNo}: value ${shown} at position ${k + 1}: expected 0 or 1`);
  }
  return new Error(`${source}: line ${lineNo}: expected ${size} values, found ${values.length}`);
}

/**
 * Parses an `.amat` text into a Dataset without labels, pixels 0 or 255. Trailing whitespace or `\r` on a
 * line and blank lines at the end are tolerated; anything else wrong is an error naming `source` and
 * the line.
 */
export function parseAmat(text: string, source: string, shape: [number, number, number] = [28, 28, 1]): Dataset {
  const size = shape[0] * shape[1] * shape[2];
  const lineLength = 2 * size - 1;
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  let images = new Uint8Array(lines * size);
  let count = 0;
  let blankLine = 0; // first blank line seen: an error only if an image follows it
  let lineNo = 0;
  for (let start = 0; start < text.length; ) {
    lineNo++;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let stop = end;
    while (stop > start && isBlank(text.charCodeAt(stop - 1))) stop--;
    if (stop === start) {
      if (blankLine === 0) blankLine = lineNo;
    } else {
      if (blankLine !== 0) throw new Error(`${source}: line ${blankLine}: empty line: expected ${size} values`);
      // Fast path: a well-formed line has exactly this layout, so one pass over its characters checks it.
      let ok = stop - start === lineLength;
      const offset = count * size;
      for (let k = 0; ok && k < size; k++) {
        const at = start + 2 * k;
        const c = text.charCodeAt(at);
        if ((c !== ZERO && c !== ONE) || (k + 1 < size && text.charCodeAt(at + 1) !== SPACE)) ok = false;
        else images[offset + k] = c === ONE ? 255 : 0;
      }
      if (!ok) throw lineError(text.slice(start, stop), lineNo, size, source);
      count++;
    }
    start = end + 1;
  }
  if (count === 0) throw new Error(`${source}: empty file: expected lines of ${size} values 0 or 1`);
  if (images.length !== count * size) images = images.slice(0, count * size);
  return { name: source, images, count, shape };
}
