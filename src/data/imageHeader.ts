// Image dimensions (and completeness) from header bytes, before any decoding: this is where a
// declared 50000x50000 PNG is refused, and where truncated files are caught deterministically
// instead of depending on how forgiving one browser's decoder happens to be.

import type { FileKind } from './sniff';

export type HeaderResult = { ok: true; width: number; height: number } | { ok: false; reason: string };

const be16 = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];
const be32 = (b: Uint8Array, o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
const le16 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const le24 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
const le32 = (b: Uint8Array, o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
const tag = (b: Uint8Array, o: number) => String.fromCharCode(b[o], b[o + 1], b[o + 2], b[o + 3]);

const fail = (reason: string): HeaderResult => ({ ok: false, reason });
const dims = (width: number, height: number): HeaderResult =>
  width > 0 && height > 0 ? { ok: true, width, height } : fail(`header declares an empty image (${width}x${height})`);

/** null = this format's header is not parsed here (the decoder will find out). */
export function readImageHeader(b: Uint8Array, kind: FileKind): HeaderResult | null {
  switch (kind) {
    case 'png':
      return png(b);
    case 'jpeg':
      return jpeg(b);
    case 'gif':
      return b.length < 14 ? fail('truncated GIF (header only)') : dims(le16(b, 6), le16(b, 8));
    case 'webp':
      return webp(b);
    case 'bmp':
      return bmp(b);
    default:
      return null;
  }
}

/** IHDR gives the size; walking the chunks to IEND proves the file is all there. */
function png(b: Uint8Array): HeaderResult {
  if (b.length < 33 || tag(b, 12) !== 'IHDR') return fail('truncated PNG (no IHDR header)');
  const w = be32(b, 16);
  const h = be32(b, 20);
  let p = 8;
  let sawData = false;
  while (p + 12 <= b.length) {
    const len = be32(b, p);
    const t = tag(b, p + 4);
    if (p + 12 + len > b.length) break;
    if (t === 'IDAT') sawData = true;
    if (t === 'IEND') return sawData ? dims(w, h) : fail('PNG without image data');
    p += 12 + len;
  }
  return fail('truncated PNG (file ends before IEND)');
}

/** Walk markers to the frame header (size) and the scan; an intact file has EOI after the scan. */
function jpeg(b: Uint8Array): HeaderResult {
  let p = 2;
  let size: HeaderResult | null = null;
  while (p + 4 <= b.length) {
    if (b[p] !== 0xff) return fail('damaged JPEG (bad marker)');
    const m = b[p + 1];
    if (m === 0xff) {
      p++; // fill byte
      continue;
    }
    if (m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      p += 2;
      continue;
    }
    if (m === 0xd9) break;
    const len = be16(b, p + 2);
    if (len < 2) return fail('damaged JPEG (bad segment length)');
    const isSof = m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
    if (isSof) {
      if (p + 9 > b.length) break;
      size = dims(be16(b, p + 7), be16(b, p + 5));
    }
    if (m === 0xda) {
      if (!size) return fail('damaged JPEG (scan before frame header)');
      // 0xFFD9 cannot occur inside entropy-coded data (0xFF is stuffed), so finding it proves the end.
      for (let q = b.length - 2; q > p; q--) if (b[q] === 0xff && b[q + 1] === 0xd9) return size;
      return fail('truncated JPEG (no end-of-image marker)');
    }
    p += 2 + len;
  }
  return fail(size ? 'truncated JPEG (ends before image data)' : 'truncated JPEG (no frame header)');
}

function webp(b: Uint8Array): HeaderResult {
  if (b.length < 30) return fail('truncated WebP');
  if (le32(b, 4) + 8 > b.length) return fail('truncated WebP (file shorter than its RIFF size)');
  const chunk = tag(b, 12);
  if (chunk === 'VP8 ') {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return fail('damaged WebP (bad VP8 frame)');
    return dims(le16(b, 26) & 0x3fff, le16(b, 28) & 0x3fff);
  }
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) return fail('damaged WebP (bad VP8L signature)');
    const bits = le32(b, 21);
    return dims((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X') return dims(le24(b, 24) + 1, le24(b, 27) + 1);
  return fail(`unsupported WebP chunk ${JSON.stringify(chunk)}`);
}

function bmp(b: Uint8Array): HeaderResult {
  const dib = le32(b, 14);
  if (b.length < 14 + dib || b.length < 26) return fail('truncated BMP header');
  if (le32(b, 10) >= b.length) return fail('truncated BMP (no pixel data)');
  if (dib === 12) return dims(le16(b, 18), le16(b, 20));
  const h = le32(b, 22) | 0; // negative height = top-down rows
  return dims(le32(b, 18) | 0, Math.abs(h));
}
