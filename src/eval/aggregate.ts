// Small pure reductions the suite reports: the corruption summary (CIFAR-10-C style) and the mean of
// per-image scores. Kept apart from suite.ts so they are tested without a model.

import type { CorruptionScore } from './evalTypes';

export interface CorruptionSummary {
  /** Mean accuracy over every (corruption, severity) pair. */
  mean: number;
  /** mean / clean accuracy: 1 = no loss under corruption. NaN when clean accuracy is 0. */
  ratio: number;
  /** Mean over severities for each corruption, in first-seen order. */
  byKind: { kind: CorruptionScore['kind']; accuracy: number }[];
  /** Mean over corruptions for each severity, ascending. */
  bySeverity: { severity: CorruptionScore['severity']; accuracy: number }[];
}

export function summariseCorruptions(scores: readonly CorruptionScore[], cleanAccuracy: number): CorruptionSummary {
  if (scores.length === 0) throw new Error('summariseCorruptions: no scores');
  const mean = meanOf(scores.map((s) => s.accuracy));
  const kinds = [...new Set(scores.map((s) => s.kind))];
  const severities = [...new Set(scores.map((s) => s.severity))].sort((a, b) => a - b);
  return {
    mean,
    ratio: cleanAccuracy > 0 ? mean / cleanAccuracy : Number.NaN,
    byKind: kinds.map((kind) => ({ kind, accuracy: meanOf(scores.filter((s) => s.kind === kind).map((s) => s.accuracy)) })),
    bySeverity: severities.map((severity) => ({
      severity,
      accuracy: meanOf(scores.filter((s) => s.severity === severity).map((s) => s.accuracy)),
    })),
  };
}

/** Arithmetic mean in float64; NaN for an empty list (a mean of nothing is not 0). */
export function meanOf(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}
