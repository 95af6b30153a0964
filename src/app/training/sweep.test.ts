import { describe, expect, it } from 'vitest';
import { DEFAULT_SWEEP_TEXT, parseWeightings } from './sweep';

describe('parseWeightings', () => {
  it('reads the default set, each ratio scaled so its larger weight is 1', () => {
    expect(parseWeightings(DEFAULT_SWEEP_TEXT)).toEqual({
      weightings: [
        { lambdaCon: 0, lambdaGen: 1 },
        { lambdaCon: 0.333, lambdaGen: 1 },
        { lambdaCon: 1, lambdaGen: 1 },
        { lambdaCon: 1, lambdaGen: 0 },
      ],
    });
  });

  it('takes decimals, spaces and semicolons; 2:2 is 1:1', () => {
    expect(parseWeightings(' 2 : 2 ; 0.5:2 ')).toEqual({
      weightings: [
        { lambdaCon: 1, lambdaGen: 1 },
        { lambdaCon: 0.25, lambdaGen: 1 },
      ],
    });
  });

  it('says why a set cannot run', () => {
    expect(parseWeightings('')).toEqual({ error: expect.stringMatching(/at least one/) });
    expect(parseWeightings('1:1, 1:2, 1:3, 1:4, 1:5')).toEqual({ error: 'at most 4 weightings (one run each)' });
    expect(parseWeightings('1-1')).toEqual({ error: '"1-1" is not a ratio like 1:3' });
    expect(parseWeightings('-1:1')).toEqual({ error: '"-1:1" is not a ratio like 1:3' });
    expect(parseWeightings('0:0')).toEqual({ error: '"0:0" turns both losses off' });
    expect(parseWeightings('1:1, 2:2')).toEqual({ error: '"2:2" repeats a ratio already in the set' });
  });
});
