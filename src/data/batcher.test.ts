import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher';
import type { ImageSet } from './store';

/** count images of size 2 whose every byte is (index mod 256) and whose label is the index. */
function set(count: number): ImageSet {
  const per = 2 * 2 * 3;
  const pixels = new Uint8Array(count * per);
  for (let i = 0; i < count; i++) pixels.fill(i % 256, i * per, (i + 1) * per);
  return { size: 2, count, pixels, labels: Int32Array.from({ length: count }, (_, i) => i) };
}

const take = (b: Batcher, n: number) => Array.from({ length: n }, () => Array.from(b.next().labels));

describe('Batcher', () => {
  it('always returns exactly batch images, pixels matching labels', () => {
    const b = new Batcher(set(10), 4, 1);
    for (let k = 0; k < 7; k++) {
      const { pixels, labels, indices } = b.next();
      expect(pixels.length).toBe(4 * 12);
      expect(labels.length).toBe(4);
      for (let j = 0; j < 4; j++) {
        expect(labels[j]).toBe(indices[j]);
        expect(pixels[j * 12]).toBe(labels[j]);
        expect(pixels[j * 12 + 11]).toBe(labels[j]);
      }
    }
  });

  it('shows every image exactly once per epoch (the tail wraps into the next epoch)', () => {
    const n = 10;
    const stream = take(new Batcher(set(n), 3, 7), 10).flat(); // 30 = 3 epochs
    for (let e = 0; e < 3; e++) expect(stream.slice(e * n, (e + 1) * n).sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    // Epochs are shuffled differently.
    expect(stream.slice(0, n)).not.toEqual(stream.slice(n, 2 * n));
  });

  it('is deterministic per seed and differs across seeds', () => {
    expect(take(new Batcher(set(50), 8, 3), 20)).toEqual(take(new Batcher(set(50), 8, 3), 20));
    expect(take(new Batcher(set(50), 8, 3), 20)).not.toEqual(take(new Batcher(set(50), 8, 4), 20));
  });

  it('state round-trip resumes the exact sequence, also in a fresh batcher', () => {
    const a = new Batcher(set(23), 5, 11);
    take(a, 9); // mid second epoch
    const s = a.getState();
    const expected = take(a, 12);
    const b = new Batcher(set(23), 5, 999);
    b.setState(JSON.parse(JSON.stringify(s)));
    expect(take(b, 12)).toEqual(expected);
    a.setState(s);
    expect(take(a, 12)).toEqual(expected);
  });

  it('handles sets smaller than a batch, refuses empty sets and bad states', () => {
    const b = new Batcher(set(3), 8, 0);
    const labels = Array.from(b.next().labels);
    expect(labels).toHaveLength(8);
    expect([...new Set(labels.slice(0, 3))].sort()).toEqual([0, 1, 2]);
    expect(() => new Batcher(set(0), 4, 0)).toThrow();
    expect(() => b.setState({ seed: 0, epoch: 0, cursor: 99 })).toThrow();
  });
});
