// A Node stand-in for decodeImage.ts, for tests: it accepts the formats Chromium decodes (checking the
// magic bytes again, so a mis-sniffed file would fail loudly), refuses TIFF like Chromium does, and
// returns a fake RGB whose first three bytes are the call number (so a test can find which file became
// which stored image) and whose other bytes are the file's length mod 251.

import { sniff } from './sniff';
import type { DecodedImage, ImageDecoder } from './store';

const DECODABLE = new Set(['png', 'jpeg', 'gif', 'webp', 'bmp', 'avif', 'ico']);

export interface FakeDecoder extends ImageDecoder {
  calls: string[];
  maxInFlight: number;
}

/** The decoder call that produced stored image i (its first three bytes). */
export function callIdOf(pixels: Uint8Array, i: number, size: number): number {
  const o = i * size * size * 3;
  return pixels[o] | (pixels[o + 1] << 8) | (pixels[o + 2] << 16);
}

export function fakeDecoder(): FakeDecoder {
  let inFlight = 0;
  const fn = (async (bytes: Uint8Array, name: string, size: number): Promise<DecodedImage> => {
    const id = fn.calls.length;
    fn.calls.push(name);
    inFlight++;
    fn.maxInFlight = Math.max(fn.maxInFlight, inFlight);
    await Promise.resolve();
    inFlight--;
    const kind = sniff(bytes);
    if (!DECODABLE.has(kind)) return { ok: false, reason: `${kind} cannot be decoded` };
    const rgb = new Uint8Array(size * size * 3).fill(bytes.length % 251);
    rgb[0] = id & 255;
    rgb[1] = (id >> 8) & 255;
    rgb[2] = (id >> 16) & 255;
    return { ok: true, rgb };
  }) as FakeDecoder;
  fn.calls = [];
  fn.maxInFlight = 0;
  return fn;
}
