import { describe, expect, it } from 'vitest';
import { historyDigest } from './historyDigest';
import type { MetricPoint } from '../training/runView';

const point = (step: number, lossTotal: number): MetricPoint => ({
  step,
  lossTotal,
  lossCon: Number.NaN,
  bitsPerDim: 5,
  conTop1: 0,
  imagesPerSec: 1,
  msPerStep: 1,
});

describe('historyDigest', () => {
  it('is equal for equal histories and differs in the last bit of a loss or a step', () => {
    const a = [point(1, 2.5), point(2, 2.25)];
    expect(historyDigest(a)).toBe(historyDigest([point(1, 2.5), point(2, 2.25)]));
    expect(historyDigest(a)).not.toBe(historyDigest([point(1, 2.5), point(2, 2.25 + 2 ** -40)]));
    expect(historyDigest(a)).not.toBe(historyDigest([point(1, 2.5), point(3, 2.25)]));
    expect(historyDigest(a)).not.toBe(historyDigest(a.slice(0, 1)));
  });
});
