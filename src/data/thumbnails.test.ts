import { describe, expect, it } from 'vitest';
import type { ImageSet } from './store';
import { pickThumbnails } from './thumbnails';

/** A 1×1 set whose image i has every channel equal to i, so a picked image names itself. */
function setOf(labels: number[]): ImageSet {
  const pixels = new Uint8Array(labels.length * 3);
  labels.forEach((_, i) => pixels.fill(i, 3 * i, 3 * i + 3));
  return { size: 1, count: labels.length, pixels, labels: Int32Array.from(labels) };
}

const picked = (t: { pixels: Uint8Array }) => Array.from(t.pixels.filter((_, k) => k % 3 === 0));

describe('pickThumbnails', () => {
  it('takes the first images of each class, grouped in class order', () => {
    const t = pickThumbnails(setOf([1, 0, 1, 1, 2, 0, 0, 1]), 3, 2);
    expect(t.groups).toEqual([
      { label: 0, count: 2 },
      { label: 1, count: 2 },
      { label: 2, count: 1 },
    ]);
    expect(picked(t)).toEqual([1, 5, 0, 2, 4]);
  });

  it('keeps an empty class as an empty group so groups line up with class names', () => {
    const t = pickThumbnails(setOf([0, 0, 2]), 3, 4);
    expect(t.groups.map((g) => g.count)).toEqual([2, 0, 1]);
  });

  it('collects unlabelled images in a last group with label -1', () => {
    const t = pickThumbnails(setOf([-1, -1, -1, -1]), 0, 3);
    expect(t.groups).toEqual([{ label: -1, count: 3 }]);
    expect(picked(t)).toEqual([0, 1, 2]);
  });

  it('leaves out classes past the cap instead of shipping them all', () => {
    const t = pickThumbnails(setOf([0, 1, 2, 3]), 4, 1, 2);
    expect(t.groups.map((g) => g.label)).toEqual([0, 1]);
    expect(picked(t)).toEqual([0, 1]);
  });

  it('copies whole images of the set size', () => {
    const set: ImageSet = { size: 2, count: 2, pixels: Uint8Array.from({ length: 24 }, (_, i) => i), labels: Int32Array.from([0, 0]) };
    const t = pickThumbnails(set, 1, 1);
    expect(Array.from(t.pixels)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });
});
