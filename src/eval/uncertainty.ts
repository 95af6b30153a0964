// How sure an evaluation number is (docs/evaluations.md#uncertainty): standard errors from the
// number and the size of the subset it was measured on, 95% intervals, the test that decides whether
// a difference between two rows is a win, and mean ± sd over seeds. Pure: no tfjs, no DOM.
//
// Standard errors, not a bootstrap: an accuracy is a mean of per-image 0/1 outcomes, so its standard
// error is √(p(1−p)/n) exactly, and an AUROC's is Hanley & McNeil's (1982) closed form. Both follow
// from what every result already stores (the value and the subset sizes), so results saved before this
// module existed get their intervals too, and nothing random enters the comparison.

import type { EvalResults } from './evalTypes';

/** The two-sided 95% normal quantile. */
export const Z95 = 1.959963984540054;

/** Standard error of a proportion p measured on n independent images: √(p(1−p)/n). NaN when n < 1. */
export function binomialStdErr(p: number, n: number): number {
  if (!(n >= 1) || !Number.isFinite(p)) return Number.NaN;
  return Math.sqrt((p * (1 - p)) / n);
}

/**
 * Hanley & McNeil's standard error of an AUROC `a` with `nPositive` positives (OOD images) and
 * `nNegative` negatives (in-distribution test images):
 * SE² = [a(1−a) + (nPos−1)(Q1−a²) + (nNeg−1)(Q2−a²)] / (nPos·nNeg), Q1 = a/(2−a), Q2 = 2a²/(1+a).
 */
export function aurocStdErr(a: number, nPositive: number, nNegative: number): number {
  if (!(nPositive >= 1) || !(nNegative >= 1) || !Number.isFinite(a)) return Number.NaN;
  const q1 = a / (2 - a);
  const q2 = (2 * a * a) / (1 + a);
  const variance = (a * (1 - a) + (nPositive - 1) * (q1 - a * a) + (nNegative - 1) * (q2 - a * a)) / (nPositive * nNegative);
  return Math.sqrt(Math.max(0, variance));
}

/** Half-width of the 95% interval for a value with standard error `se`. */
export function halfWidth95(se: number): number {
  return Z95 * se;
}

/**
 * True when `a` beats `b` beyond chance: a − b > 1.96·√(seA² + seB²), the two-sided 5% z-test of the
 * difference. Runs are scored on the same images, which correlates their errors positively; treating
 * them as independent overstates the difference's spread, so this errs towards "no win".
 */
export function significantlyGreater(a: number, seA: number, b: number, seB: number): boolean {
  if (![a, seA, b, seB].every(Number.isFinite)) return false;
  return a - b > Z95 * Math.sqrt(seA * seA + seB * seB);
}

/** The metrics that carry a standard error. ECE and bits/dim have none here (see docs/evaluations.md). */
export type UncertainMetric = 'linearAcc' | 'knnAcc' | 'corruptionAcc' | 'oodAurocBpd' | 'oodAurocFeature';

export const UNCERTAIN_METRICS: readonly UncertainMetric[] = ['linearAcc', 'knnAcc', 'corruptionAcc', 'oodAurocBpd', 'oodAurocFeature'];

/**
 * The standard error of each uncertain metric of one evaluation (absent where the metric is).
 * Accuracies: √(p(1−p)/n) over the labelled test images. For the corruption accuracy, a mean over 25
 * corrupted copies of the same images, that is an upper bound (each image's mean outcome varies less
 * than a single 0/1 outcome). AUROCs: Hanley–McNeil over the OOD and test subsets.
 */
export function standardErrors(results: EvalResults): Partial<Record<UncertainMetric, number>> {
  const out: Partial<Record<UncertainMetric, number>> = {};
  const { labelledTest, test, ood } = results.sizes;
  for (const key of ['linearAcc', 'knnAcc', 'corruptionAcc'] as const) {
    const value = results[key];
    if (value !== null) out[key] = binomialStdErr(value, labelledTest);
  }
  for (const key of ['oodAurocBpd', 'oodAurocFeature'] as const) {
    const value = results[key];
    if (value !== null) out[key] = aurocStdErr(value, ood, test);
  }
  return out;
}

/** Mean and sample standard deviation (n − 1); sd is NaN for fewer than two values, both NaN for none. */
export function meanAndSd(values: readonly number[]): { mean: number; sd: number; n: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, sd: Number.NaN, n };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { mean, sd: Number.NaN, n };
  const ss = values.reduce((s, v) => s + (v - mean) * (v - mean), 0);
  return { mean, sd: Math.sqrt(ss / (n - 1)), n };
}
