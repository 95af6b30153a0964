import { unzlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { crc32, encodePng, gridImage } from './png';

function chunks(png: Uint8Array): { type: string; data: Uint8Array; crcOk: boolean }[] {
  const view = new DataView(png.buffer, png.byteOffset);
  const out = [];
  for (let o = 8; o < png.length;) {
    const length = view.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    const data = png.subarray(o + 8, o + 8 + length);
    const crcOk = (crc32(png.subarray(o + 4, o + 8 + length)) ^ 0xffffffff) >>> 0 === view.getUint32(o + 8 + length);
    out.push({ type, data, crcOk });
    o += 12 + length;
  }
  return out;
}

describe('encodePng', () => {
  it('writes IHDR, IDAT and IEND with valid CRCs and filter-0 scanlines of the given pixels', () => {
    const rgb = Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => i * 10);
    const parts = chunks(encodePng(rgb, 3, 2));
    expect(parts.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(parts.every((c) => c.crcOk)).toBe(true);
    expect(Array.from(parts[0].data)).toEqual([0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0]);
    const raw = unzlibSync(parts[1].data);
    expect(Array.from(raw)).toEqual([0, ...rgb.subarray(0, 9), 0, ...rgb.subarray(9)]);
  });

  it('crc32 matches the standard check value', () => {
    expect((crc32(new TextEncoder().encode('123456789')) ^ 0xffffffff) >>> 0).toBe(0xcbf43926);
  });

  it('gridImage lays images out in rows with a white gap', () => {
    const pixels = new Uint8Array(3 * 2 * 2 * 3).map((_, i) => Math.floor(i / 12)); // image k is all k
    const { rgb, width, height } = gridImage(pixels, 3, 2, 2);
    expect([width, height]).toEqual([5, 5]);
    const at = (x: number, y: number) => rgb[(y * width + x) * 3];
    expect([at(0, 0), at(2, 0), at(3, 1), at(0, 3), at(4, 4)]).toEqual([0, 255, 1, 2, 255]);
  });
});
