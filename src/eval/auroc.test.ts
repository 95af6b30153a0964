import { describe, expect, it } from 'vitest';
import { auroc } from './auroc';
import { mulberry32 } from '../random';

// The definition, pair by pair: O(nPos·nNeg), used as the oracle.
function aurocBrute(pos: ArrayLike<number>, neg: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < pos.length; i++) {
    for (let j = 0; j < neg.length; j++) s += pos[i] > neg[j] ? 1 : pos[i] === neg[j] ? 0.5 : 0;
  }
  return s / (pos.length * neg.length);
}

describe('auroc', () => {
  it('matches a hand-computed example with ties', () => {
    // Positives [1, 2, 3] against negatives [2, 2, 0], all 9 pairs:
    //   1 vs 2, 2, 0  → 0 + 0 + 1     = 1
    //   2 vs 2, 2, 0  → ½ + ½ + 1     = 2   (the ties count ½ each)
    //   3 vs 2, 2, 0  → 1 + 1 + 1     = 3
    // total 6 of 9 pairs → 2/3.
    expect(auroc([1, 2, 3], [2, 2, 0])).toBeCloseTo(2 / 3, 12);
  });

  it('is 1 for perfect separation, 0 when reversed, ½ when all tied', () => {
    expect(auroc([5, 6, 7], [1, 2])).toBe(1);
    expect(auroc([1, 2], [5, 6, 7])).toBe(0);
    expect(auroc([3, 3, 3], [3, 3])).toBe(0.5);
  });

  it('matches a second hand example: one tie across classes', () => {
    // Positives [0.9, 0.4], negatives [0.4, 0.1]: 0.9 beats both (2), 0.4 ties 0.4 (½) and beats 0.1 (1)
    // → 3.5 / 4.
    expect(auroc([0.9, 0.4], [0.4, 0.1])).toBeCloseTo(0.875, 12);
  });

  it('agrees with the pairwise definition on random data with many ties', () => {
    const random = mulberry32(7);
    for (let trial = 0; trial < 20; trial++) {
      const pos = Array.from({ length: 1 + Math.floor(random() * 60) }, () => Math.floor(random() * 10));
      const neg = Array.from({ length: 1 + Math.floor(random() * 60) }, () => Math.floor(random() * 10) - 1);
      expect(auroc(pos, neg)).toBeCloseTo(aurocBrute(pos, neg), 10);
    }
  });

  it('accepts typed arrays and is symmetric: auroc(a, b) = 1 − auroc(b, a)', () => {
    const a = new Float32Array([0.3, 0.8, 0.5, 0.5]);
    const b = new Float32Array([0.1, 0.5, 0.9]);
    expect(auroc(a, b) + auroc(b, a)).toBeCloseTo(1, 12);
  });

  it('rejects empty inputs and NaN scores', () => {
    expect(() => auroc([], [1])).toThrow();
    expect(() => auroc([1], [])).toThrow();
    expect(() => auroc([Number.NaN], [1])).toThrow();
  });
});
