import { describe, expect, it } from 'vitest';
import type { EvalResults } from './evalTypes';
import { aurocStdErr, binomialStdErr, halfWidth95, meanAndSd, significantlyGreater, standardErrors } from './uncertainty';

describe('binomialStdErr', () => {
  it('is √(p(1−p)/n): 0.4 on 500 images → √(0.24/500) = 0.021909', () => {
    expect(binomialStdErr(0.4, 500)).toBeCloseTo(0.0219089023, 9);
    // The "about 2 points" for a 500-image accuracy near 0.35: √(0.35·0.65/500) = 0.021331.
    expect(binomialStdErr(0.35, 500)).toBeCloseTo(0.0213307, 6);
  });

  it('is 0 at p = 0 or 1, NaN with no images', () => {
    expect(binomialStdErr(1, 10)).toBe(0);
    expect(binomialStdErr(0, 10)).toBe(0);
    expect(binomialStdErr(0.5, 0)).toBeNaN();
  });
});

describe('aurocStdErr (Hanley & McNeil 1982)', () => {
  it('matches a hand computation: A = 0.8, 100 positives, 200 negatives', () => {
    // Q1 = 0.8/1.2 = 0.666667, Q2 = 2·0.64/1.8 = 0.711111, A² = 0.64
    // SE² = (0.16 + 99·0.026667 + 199·0.071111) / 20000 = 16.951111 / 20000 = 0.00084756
    expect(aurocStdErr(0.8, 100, 200)).toBeCloseTo(0.0291128074, 9);
  });

  it('at A = 0.5 with one image each, SE² = 0.25 (a coin flip)', () => {
    // Q1 = 1/3, Q2 = 1/3; the (n−1) terms vanish, leaving A(1−A)/1 = 0.25.
    expect(aurocStdErr(0.5, 1, 1)).toBeCloseTo(0.5, 12);
  });

  it('shrinks with more images and is 0 for perfect separation', () => {
    expect(aurocStdErr(0.7, 1000, 1000)).toBeLessThan(aurocStdErr(0.7, 100, 100));
    expect(aurocStdErr(1, 50, 50)).toBe(0);
    expect(aurocStdErr(0.7, 0, 10)).toBeNaN();
  });
});

describe('significantlyGreater', () => {
  it('needs the difference to exceed 1.96·√(seA² + seB²)', () => {
    // se 0.02 each: threshold 1.96·0.028284 = 0.055437.
    expect(significantlyGreater(0.4, 0.02, 0.345, 0.02)).toBe(false); // 0.055 < 0.0554
    expect(significantlyGreater(0.4, 0.02, 0.344, 0.02)).toBe(true); // 0.056 > 0.0554
    expect(significantlyGreater(0.344, 0.02, 0.4, 0.02)).toBe(false);
  });

  it('is never true on a missing standard error', () => {
    expect(significantlyGreater(0.9, Number.NaN, 0.1, 0.01)).toBe(false);
  });
});

describe('halfWidth95', () => {
  it('is 1.96 standard errors', () => {
    expect(halfWidth95(0.01)).toBeCloseTo(0.0196, 4);
  });
});

describe('standardErrors', () => {
  const results = {
    linearAcc: 0.4,
    knnAcc: null,
    corruptionAcc: 0.35,
    oodAurocBpd: null,
    oodAurocFeature: 0.8,
    sizes: { train: 1000, test: 200, ood: 100, labelledTrain: 1000, labelledTest: 500 },
  } as unknown as EvalResults;

  it('accuracies over the labelled test images, AUROCs over the OOD and test subsets; none for missing values', () => {
    const se = standardErrors(results);
    expect(se.linearAcc).toBeCloseTo(0.0219089023, 9);
    expect(se.corruptionAcc).toBeCloseTo(0.0213307, 6);
    expect(se.oodAurocFeature).toBeCloseTo(0.0291128074, 9);
    expect(se).not.toHaveProperty('knnAcc');
    expect(se).not.toHaveProperty('oodAurocBpd');
  });
});

describe('meanAndSd', () => {
  it('uses the sample deviation (n − 1): [0.30, 0.34, 0.41] → 0.35 ± 0.055678', () => {
    const { mean, sd, n } = meanAndSd([0.3, 0.34, 0.41]);
    expect(mean).toBeCloseTo(0.35, 12);
    expect(sd).toBeCloseTo(0.0556776436, 9);
    expect(n).toBe(3);
  });

  it('has no deviation for one value and nothing for none', () => {
    expect(meanAndSd([2]).sd).toBeNaN();
    expect(meanAndSd([2]).mean).toBe(2);
    expect(meanAndSd([]).mean).toBeNaN();
  });
});
