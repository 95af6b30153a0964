import { describe, expect, it } from 'vitest';
import { bucketCurve, tailOf } from './curves';
import type { TrainingTail } from './types';

/** Step s has bits/dim s and L_con 10·s (NaN on odd steps, as for a run without L_con there). */
function history(steps: number): TrainingTail[] {
  return Array.from({ length: steps }, (_, i) => ({
    steps: i + 1,
    lossTotal: i + 1,
    lossCon: (i + 1) % 2 === 1 ? Number.NaN : 10 * (i + 1),
    bitsPerDim: i + 1,
    conTop1: 0,
    msPerStep: 100,
  }));
}

describe('bucketCurve', () => {
  it('averages consecutive buckets and labels each by its last step', () => {
    // 10 steps into 4 points: buckets of ⌈10/4⌉ = 3 → steps 1–3, 4–6, 7–9, 10.
    const curve = bucketCurve(history(10), 4);
    expect(curve.steps).toEqual([3, 6, 9, 10]);
    expect(curve.bitsPerDim).toEqual([2, 5, 8, 10]);
    // A NaN in a bucket makes its mean NaN: a loss that is off stays off.
    expect(curve.lossCon).toEqual([Number.NaN, Number.NaN, Number.NaN, 100]);
  });

  it('keeps every step when there are fewer steps than points', () => {
    expect(bucketCurve(history(3), 200).steps).toEqual([1, 2, 3]);
    expect(bucketCurve([], 200).steps).toEqual([]);
  });
});

describe('tailOf', () => {
  it('means over the last 20 steps', () => {
    const tail = tailOf(history(30));
    expect(tail.steps).toBe(20);
    // Steps 11..30: mean 20.5.
    expect(tail.bitsPerDim).toBe(20.5);
  });
});
