import { describe, expect, it } from 'vitest';
import { downsample } from './downsample';

describe('downsample', () => {
  it('returns short series unchanged', () => {
    expect(downsample([1, 2, 3], 10)).toEqual([1, 2, 3]);
  });

  it('keeps first and last and never exceeds the limit', () => {
    const series = Array.from({ length: 1001 }, (_, i) => i);
    const picked = downsample(series, 11);
    expect(picked).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  });
});
