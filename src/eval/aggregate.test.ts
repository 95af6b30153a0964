import { describe, expect, it } from 'vitest';
import { meanOf, summariseCorruptions } from './aggregate';
import type { CorruptionScore } from './evalTypes';

describe('summariseCorruptions', () => {
  // Two corruptions × two severities, hand-computed: mean = (0.8+0.6+0.5+0.3)/4 = 0.55.
  const scores: CorruptionScore[] = [
    { kind: 'contrast', severity: 1, accuracy: 0.8 },
    { kind: 'contrast', severity: 2, accuracy: 0.6 },
    { kind: 'pixelate', severity: 1, accuracy: 0.5 },
    { kind: 'pixelate', severity: 2, accuracy: 0.3 },
  ];

  it('averages over every pair and divides by the clean accuracy', () => {
    const s = summariseCorruptions(scores, 0.88);
    expect(s.mean).toBeCloseTo(0.55, 12);
    expect(s.ratio).toBeCloseTo(0.55 / 0.88, 12);
  });

  it('breaks the mean down by corruption and by severity', () => {
    const s = summariseCorruptions(scores, 1);
    expect(s.byKind).toEqual([
      { kind: 'contrast', accuracy: expect.closeTo(0.7, 12) },
      { kind: 'pixelate', accuracy: expect.closeTo(0.4, 12) },
    ]);
    expect(s.bySeverity.map((b) => b.severity)).toEqual([1, 2]);
    expect(s.bySeverity[0].accuracy).toBeCloseTo(0.65, 12);
    expect(s.bySeverity[1].accuracy).toBeCloseTo(0.45, 12);
  });

  it('a ratio against a zero clean accuracy is NaN, not Infinity', () => {
    expect(summariseCorruptions(scores, 0).ratio).toBeNaN();
  });

  it('refuses an empty list', () => {
    expect(() => summariseCorruptions([], 0.5)).toThrow(/no scores/);
  });
});

describe('meanOf', () => {
  it('is the arithmetic mean, NaN for nothing', () => {
    expect(meanOf([1, 2, 6])).toBe(3);
    expect(meanOf(new Float32Array([0.5]))).toBe(0.5);
    expect(meanOf([])).toBeNaN();
  });
});
