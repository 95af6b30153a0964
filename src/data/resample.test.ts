import { describe, expect, it } from 'vitest';
import { resampleSquare } from './resample';

describe('resampleSquare', () => {
  it('copies identity sizes exactly, planar to interleaved', () => {
    const src = new Uint8Array(2 * 2 * 3).map((_, i) => i * 10);
    const out = new Uint8Array(12);
    resampleSquare(src, 0, 2, 2, 'rgb-planar', 2, out, 0);
    // pixel 0 = (R0, G0, B0) = (src[0], src[4], src[8])
    expect(Array.from(out.subarray(0, 6))).toEqual([0, 40, 80, 10, 50, 90]);
  });

  it('area-averages when shrinking and replicates gray to RGB', () => {
    const src = new Uint8Array([0, 100, 200, 44]); // 2x2 gray
    const out = new Uint8Array(3);
    resampleSquare(src, 0, 2, 2, 'gray', 1, out, 0);
    expect(Array.from(out)).toEqual([86, 86, 86]);
  });

  it('centre-crops non-square images', () => {
    // 4x2 gray: columns 0 and 3 are cropped away.
    const src = new Uint8Array([9, 1, 2, 9, 9, 3, 4, 9]);
    const out = new Uint8Array(12);
    resampleSquare(src, 0, 4, 2, 'gray', 2, out, 0);
    expect(Array.from(out.filter((_, i) => i % 3 === 0))).toEqual([1, 2, 3, 4]);
  });

  it('keeps a constant image constant when enlarging (28 -> 32)', () => {
    const src = new Uint8Array(28 * 28).fill(77);
    const out = new Uint8Array(32 * 32 * 3);
    resampleSquare(src, 0, 28, 28, 'gray', 32, out, 0);
    expect(out.every((v) => v === 77)).toBe(true);
  });
});
