import { describe, expect, it } from 'vitest';
import type { ImageSet } from '../data/store';
import { concatImageSets, labelledRows, selectLabels, selectRows, seededSubset } from './subsets';

/** Image i has every byte equal to i (mod 256) and label i mod 3, so a drawn image names itself. */
function numbered(count: number, size = 2): ImageSet {
  const per = size * size * 3;
  const pixels = new Uint8Array(count * per);
  for (let i = 0; i < count; i++) pixels.fill(i % 256, i * per, (i + 1) * per);
  return { size, count, pixels, labels: Int32Array.from({ length: count }, (_, i) => i % 3) };
}

describe('seededSubset', () => {
  const set = numbered(50);
  const per = 2 * 2 * 3;

  it('draws distinct images, keeps each with its label, and repeats for a seed', () => {
    const a = seededSubset(set, 20, 7);
    const ids = Array.from({ length: a.count }, (_, i) => a.pixels[i * per]);
    expect(a.count).toBe(20);
    expect(new Set(ids).size).toBe(20);
    ids.forEach((id, i) => expect(a.labels[i]).toBe(id % 3));
    expect(seededSubset(set, 20, 7)).toEqual(a);
    expect(Array.from(seededSubset(set, 20, 8).pixels)).not.toEqual(Array.from(a.pixels));
  });

  it('is capped at the set size and takes everything then', () => {
    const all = seededSubset(set, 500, 1);
    expect(all.count).toBe(50);
    expect(new Set(Array.from({ length: 50 }, (_, i) => all.pixels[i * per])).size).toBe(50);
  });

  it('copies, so the subset does not change with the source', () => {
    const source = numbered(5);
    const sub = seededSubset(source, 5, 3);
    const before = Array.from(sub.pixels);
    source.pixels.fill(99);
    expect(Array.from(sub.pixels)).toEqual(before);
  });
});

describe('row helpers', () => {
  it('concatenates sets in order', () => {
    const joined = concatImageSets([numbered(2), numbered(3)], 2);
    expect(joined.count).toBe(5);
    expect(Array.from(joined.labels)).toEqual([0, 1, 0, 1, 2]);
    expect(joined.pixels[4 * 12]).toBe(2);
    expect(() => concatImageSets([numbered(1, 3)], 2)).toThrow(/3px/);
  });

  it('finds labelled rows and selects them', () => {
    const labels = Int32Array.from([2, -1, 0, 5, 1]);
    const rows = labelledRows(labels, 3);
    expect(Array.from(rows)).toEqual([0, 2, 4]);
    expect(Array.from(selectLabels(labels, rows))).toEqual([2, 0, 1]);
    const values = Float32Array.from([0, 1, 10, 11, 20, 21, 30, 31, 40, 41]);
    expect(Array.from(selectRows(values, 2, rows))).toEqual([0, 1, 20, 21, 40, 41]);
  });
});
