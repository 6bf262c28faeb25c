/**
 * The width and height a PNG or JPEG file declares, read from its header alone, so an image too large to
 * decode is refused before its pixels take any memory (a PNG of 30000x30000 compresses to under 1 MB).
 */

/** What a header declares. */
export interface ImageDimensions {
  format: 'PNG' | 'JPEG';
  width: number;
  height: number;
}

function u16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

/** PNG spec, sec. 5.2-5.3 and 11.2.2: the signature, then the IHDR chunk, whose data opens with width and height. */
function pngDimensions(b: Uint8Array): ImageDimensions | null {
  const ihdr = b.length >= 24 && b[12] === 0x49 && b[13] === 0x48 && b[14] === 0x44 && b[15] === 0x52;
  return ihdr ? { format: 'PNG', width: u32(b, 16), height: u32(b, 20) } : null;
}

/**
 * JPEG (ITU T.81, annex B): markers FF xx after SOI, each segment led by its 2-byte length; a start-of-frame
 * marker (C0-CF but C4 DHT, C8 JPG, CC DAC) holds precision, height, width. Found before the scan starts.
 */
function jpegDimensions(b: Uint8Array): ImageDimensions | null {
  let at = 2;
  while (at + 3 < b.length) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2; // markers without a segment
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image, start of scan: no frame header before
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return at + 8 < b.length ? { format: 'JPEG', width: u16(b, at + 7), height: u16(b, at + 5) } : null;
    at += 2 + u16(b, at + 2);
  }
  return null;
}

/** The declared size of PNG or JPEG bytes (chosen by their magic bytes), or null when neither or unreadable. */
export function imageDimensions(bytes: Uint8Array): ImageDimensions | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return pngDimensions(bytes);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return jpegDimensions(bytes);
  return null;
}
